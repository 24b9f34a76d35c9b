// Delete one ON_TEAM edge by its endpoints.
MATCH (b:Rep {id: $rep_id})-[x:ON_TEAM]->(a:Account {id: $account_id})
DELETE x
