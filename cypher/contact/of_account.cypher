// The contacts of the account $account_id (through WORKS_AT), with
// group_id; reports_to is the REPORTS_TO edge.
// One account's form of in_accounts (same rows): matching the account by id lets the
// engine start from its index (LadybugDB: 0.1 ms against ~3 ms for the id range at 50k accounts).
MATCH (a:Account {id: $account_id})<-[:WORKS_AT]-(n:Contact)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(m:Contact)
RETURN a.id AS group_id,
       n.id AS id,
       n.account_id AS account_id,
       n.unit_id AS unit_id,
       n.name AS name,
       n.title AS title,
       n.level AS level,
       m.id AS reports_to,
       n.email AS email
