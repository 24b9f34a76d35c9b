// The INFLUENCES edges out of the contacts of the account $account_id.
// One account's form of in_accounts (same rows): matching the account by id lets the
// engine start from its index (LadybugDB: 0.1 ms against ~3 ms for the id range at 50k accounts).
MATCH (a:Account {id: $account_id})<-[:WORKS_AT]-(s:Contact)-[x:INFLUENCES]->(t:Contact)
RETURN a.id AS group_id,
       s.id AS source_id,
       t.id AS target_id,
       x.strength AS strength,
       x.kind AS kind
