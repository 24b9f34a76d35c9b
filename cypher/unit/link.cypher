// Rebuild each unit's PART_OF edges from account_id and parent_unit_id.
UNWIND $rows AS row
MATCH (n:Unit {id: row.id})-[r:PART_OF]->()
DELETE r;
UNWIND $rows AS row
MATCH (n:Unit {id: row.id})
MATCH (a:Account {id: row.account_id})
MERGE (n)-[:PART_OF]->(a);
UNWIND $rows AS row
MATCH (n:Unit {id: row.id})
MATCH (p:Unit {id: row.parent_unit_id})
MERGE (n)-[:PART_OF]->(p);
