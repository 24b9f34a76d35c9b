// A page of activities, in id order, in $scope (ignored when $unscoped), filtered by
// $bid_id ('' = any); attendees are ATTENDED edges.
MATCH (n:Activity)
WHERE ($bid_id = '' OR n.bid_id = $bid_id)
  AND ($unscoped OR n.account_id IN $scope)
WITH n
ORDER BY n.id
SKIP $offset
LIMIT $limit
OPTIONAL MATCH (r:Rep)-[:ATTENDED]->(n)
WITH n, collect(r.id) AS rep_ids
OPTIONAL MATCH (c:Contact)-[:ATTENDED]->(n)
RETURN n.id AS id,
       n.date AS date,
       n.kind AS kind,
       n.account_id AS account_id,
       n.bid_id AS bid_id,
       rep_ids,
       collect(c.id) AS contact_ids,
       n.summary AS summary
ORDER BY id
