// How many bid records in $scope (account ids; ignored when $unscoped), filtered by
// $stage ('' = any).
MATCH (n:Bid)
WHERE ($stage = '' OR n.stage = $stage)
  AND ($unscoped OR n.account_id IN $scope)
RETURN count(*) AS n
