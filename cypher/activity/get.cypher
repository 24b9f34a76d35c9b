// Activity records by id, in the import format's columns (attendees are ATTENDED edges).
// $keys: maps of the key fields; one row per stored record, none for a missing one.
// (Not `WITH n, collect(…)` between the two OPTIONAL MATCHes: after UNWIND, LadybugDB
// 0.22 fails on it with "Cannot evaluate expression with type VARIABLE".)
UNWIND $keys AS k
MATCH (n:Activity {id: k.id})
OPTIONAL MATCH (r:Rep)-[:ATTENDED]->(n)
OPTIONAL MATCH (c:Contact)-[:ATTENDED]->(n)
RETURN n.id AS id,
       n.date AS date,
       n.kind AS kind,
       n.account_id AS account_id,
       n.bid_id AS bid_id,
       collect(DISTINCT r.id) AS rep_ids,
       collect(DISTINCT c.id) AS contact_ids,
       n.summary AS summary
