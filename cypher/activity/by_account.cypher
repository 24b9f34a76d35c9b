// The activities of one account, in the import format's columns (attendees are ATTENDED edges).
MATCH (n:Activity {account_id: $account_id})
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
