// The activities of the accounts among $account_ids, with group_id; attendees
// are ATTENDED edges.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (n:Activity)
WHERE n.account_id >= $first AND n.account_id <= $last AND n.account_id IN $account_ids
OPTIONAL MATCH (r:Rep)-[:ATTENDED]->(n)
WITH n, collect(r.id) AS rep_ids
OPTIONAL MATCH (c:Contact)-[:ATTENDED]->(n)
RETURN n.account_id AS group_id,
       n.id AS id,
       n.date AS date,
       n.kind AS kind,
       n.account_id AS account_id,
       n.bid_id AS bid_id,
       rep_ids,
       collect(c.id) AS contact_ids,
       n.summary AS summary
