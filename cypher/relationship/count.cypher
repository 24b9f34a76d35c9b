// How many relationship records in $scope (account ids; ignored when $unscoped), filtered by
// $rep_id, $contact_id ('' = any).
MATCH (r:Rep)-[x:KNOWS]->(c:Contact)
WHERE ($rep_id = '' OR r.id = $rep_id)
  AND ($contact_id = '' OR c.id = $contact_id)
  AND ($unscoped OR c.account_id IN $scope)
RETURN count(*) AS n
