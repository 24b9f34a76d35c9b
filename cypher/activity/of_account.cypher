// The activities of the account $account_id, with group_id; attendees
// are ATTENDED edges.
// One account's form of in_accounts (same rows): matching the account by id lets the
// engine start from its index (LadybugDB: 0.1 ms against ~3 ms for the id range at 50k accounts).
MATCH (n:Activity)
WHERE n.account_id = $account_id
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
