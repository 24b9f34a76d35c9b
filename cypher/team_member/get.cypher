// One ON_TEAM edge by its endpoints, in the import format's columns.
MATCH (b:Rep {id: $rep_id})-[x:ON_TEAM]->(a:Account {id: $account_id})
RETURN a.id AS account_id,
       b.id AS rep_id,
       x.role AS role
