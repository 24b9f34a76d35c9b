// How many contact records in $scope (account ids; ignored when $unscoped), filtered by
// $unit_id, $level ('' = any).
MATCH (n:Contact)
WHERE ($unit_id = '' OR n.unit_id = $unit_id)
  AND ($level = '' OR n.level = $level)
  AND ($unscoped OR n.account_id IN $scope)
RETURN count(*) AS n
