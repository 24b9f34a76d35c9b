// A page of relationship records, in key order, in $scope (account ids; ignored when $unscoped), filtered by
// $rep_id, $contact_id ('' = any).
MATCH (r:Rep)-[x:KNOWS]->(c:Contact)
WHERE ($rep_id = '' OR r.id = $rep_id)
  AND ($contact_id = '' OR c.id = $contact_id)
  AND ($unscoped OR c.account_id IN $scope)
RETURN r.id AS rep_id,
       c.id AS contact_id,
       x.depth AS depth,
       x.last_contact AS last_contact,
       x.since AS since
ORDER BY rep_id, contact_id
SKIP $offset
LIMIT $limit
