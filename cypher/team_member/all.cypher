// Every ON_TEAM edge, in the import format's columns.
MATCH (b:Rep)-[x:ON_TEAM]->(a:Account)
RETURN a.id AS account_id,
       b.id AS rep_id,
       x.role AS role
ORDER BY account_id, rep_id
