// The ON_TEAM edges of one account, in the import format's columns.
MATCH (b:Rep)-[x:ON_TEAM]->(a:Account {id: $account_id})
RETURN a.id AS account_id,
       b.id AS rep_id,
       x.role AS role
ORDER BY account_id, rep_id
