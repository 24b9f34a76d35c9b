// The ON_TEAM edges of the accounts among $account_ids, with group_id.
MATCH (b:Rep)-[x:ON_TEAM]->(a:Account)
WHERE a.id IN $account_ids
RETURN a.id AS group_id,
       a.id AS account_id,
       b.id AS rep_id,
       x.role AS role
