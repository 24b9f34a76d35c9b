// The reps that touch the account $account_id — on the team, knowing a
// contact, or attending an activity — once per account (group_id).
// One account's form of in_accounts (same rows): matching the account by id lets the
// engine start from its index (LadybugDB: 0.1 ms against ~3 ms for the id range at 50k accounts).
MATCH (n:Rep)-[:ON_TEAM]->(a:Account {id: $account_id})
RETURN a.id AS group_id, n.id AS id, n.name AS name, n.role AS role, n.level AS level,
       n.active AS active, n.email AS email
UNION
MATCH (n:Rep)-[:KNOWS]->(:Contact)-[:WORKS_AT]->(a:Account {id: $account_id})
RETURN a.id AS group_id, n.id AS id, n.name AS name, n.role AS role, n.level AS level,
       n.active AS active, n.email AS email
UNION
MATCH (n:Rep)-[:ATTENDED]->(x:Activity)
WHERE x.account_id = $account_id
RETURN x.account_id AS group_id, n.id AS id, n.name AS name, n.role AS role, n.level AS level,
       n.active AS active, n.email AS email
