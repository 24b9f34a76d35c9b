// The ON_TEAM edges of the account $account_id, with group_id.
// One account's form of in_accounts (same rows): matching the account by id lets the
// engine start from its index (LadybugDB: 0.1 ms against ~3 ms for the id range at 50k accounts).
MATCH (b:Rep)-[x:ON_TEAM]->(a:Account {id: $account_id})
RETURN a.id AS group_id,
       a.id AS account_id,
       b.id AS rep_id,
       x.role AS role
