// Create or update ON_TEAM edges by their endpoints; properties are replaced.
UNWIND $rows AS row
MATCH (b:Rep {id: row.rep_id})
MATCH (a:Account {id: row.account_id})
MERGE (b)-[x:ON_TEAM]->(a)
SET x.role = row.role
