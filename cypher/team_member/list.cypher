// A page of team_member records, in key order, in $scope (account ids; ignored when $unscoped), filtered by
// $rep_id ('' = any).
MATCH (r:Rep)-[x:ON_TEAM]->(a:Account)
WHERE ($rep_id = '' OR r.id = $rep_id)
  AND ($unscoped OR a.id IN $scope)
RETURN a.id AS account_id,
       r.id AS rep_id,
       x.role AS role
ORDER BY account_id, rep_id
SKIP $offset
LIMIT $limit
