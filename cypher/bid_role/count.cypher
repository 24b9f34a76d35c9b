// How many bid_role records in $scope (account ids; ignored when $unscoped), filtered by
// $bid_id, $contact_id ('' = any).
MATCH (c:Contact)-[x:ROLE_IN]->(b:Bid)
WHERE ($bid_id = '' OR b.id = $bid_id)
  AND ($contact_id = '' OR c.id = $contact_id)
  AND ($unscoped OR b.account_id IN $scope)
RETURN count(*) AS n
