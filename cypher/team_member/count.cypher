// How many team_member records in $scope (account ids; ignored when $unscoped), filtered by
// $rep_id ('' = any).
MATCH (r:Rep)-[x:ON_TEAM]->(a:Account)
WHERE ($rep_id = '' OR r.id = $rep_id)
  AND ($unscoped OR a.id IN $scope)
RETURN count(*) AS n
