// How many agreement records in $scope (account ids; ignored when $unscoped), filtered by
// $kind ('' = any).
MATCH (n:Agreement)
WHERE ($kind = '' OR n.kind = $kind)
  AND ($unscoped OR n.account_id IN $scope)
RETURN count(*) AS n
