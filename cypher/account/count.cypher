// How many account records in $scope (account ids; ignored when $unscoped), filtered by
// $tier ('' = any).
MATCH (n:Account)
WHERE ($tier = '' OR n.tier = $tier)
  AND ($unscoped OR n.id IN $scope)
RETURN count(*) AS n
