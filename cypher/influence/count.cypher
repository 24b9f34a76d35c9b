// How many influence records in $scope (account ids; ignored when $unscoped), filtered by
// $source_id, $target_id ('' = any).
MATCH (s:Contact)-[x:INFLUENCES]->(t:Contact)
WHERE ($source_id = '' OR s.id = $source_id)
  AND ($target_id = '' OR t.id = $target_id)
  AND ($unscoped OR s.account_id IN $scope)
RETURN count(*) AS n
