// The KNOWS edges of one account, in the import format's columns.
MATCH (a:Rep)-[x:KNOWS]->(b:Contact {account_id: $account_id})
RETURN a.id AS rep_id,
       b.id AS contact_id,
       x.depth AS depth,
       x.last_contact AS last_contact,
       x.since AS since
ORDER BY rep_id, contact_id
