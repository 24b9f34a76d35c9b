// A page of bid_role records, in key order, in $scope (account ids; ignored when $unscoped), filtered by
// $bid_id, $contact_id ('' = any).
MATCH (c:Contact)-[x:ROLE_IN]->(b:Bid)
WHERE ($bid_id = '' OR b.id = $bid_id)
  AND ($contact_id = '' OR c.id = $contact_id)
  AND ($unscoped OR b.account_id IN $scope)
RETURN b.id AS bid_id,
       c.id AS contact_id,
       x.role AS role,
       x.influence AS influence,
       x.stance AS stance
ORDER BY bid_id, contact_id
SKIP $offset
LIMIT $limit
