// The KNOWS edges into the contacts of the account $account_id, with group_id.
// One account's form of in_accounts (same rows): matching the account by id lets the
// engine start from its index (LadybugDB: 0.1 ms against ~3 ms for the id range at 50k accounts).
MATCH (r:Rep)-[x:KNOWS]->(c:Contact)-[:WORKS_AT]->(a:Account {id: $account_id})
RETURN a.id AS group_id,
       r.id AS rep_id,
       c.id AS contact_id,
       x.depth AS depth,
       x.last_contact AS last_contact,
       x.since AS since
