// Rebuild each contact's WORKS_AT, MEMBER_OF and REPORTS_TO edges from
// account_id, unit_id and reports_to.
UNWIND $rows AS row
MATCH (n:Contact {id: row.id})-[r:WORKS_AT]->()
DELETE r;
UNWIND $rows AS row
MATCH (n:Contact {id: row.id})-[r:MEMBER_OF]->()
DELETE r;
UNWIND $rows AS row
MATCH (n:Contact {id: row.id})-[r:REPORTS_TO]->()
DELETE r;
UNWIND $rows AS row
MATCH (n:Contact {id: row.id})
MATCH (a:Account {id: row.account_id})
MERGE (n)-[:WORKS_AT]->(a);
UNWIND $rows AS row
MATCH (n:Contact {id: row.id})
MATCH (u:Unit {id: row.unit_id})
MERGE (n)-[:MEMBER_OF]->(u);
UNWIND $rows AS row
MATCH (n:Contact {id: row.id})
MATCH (m:Contact {id: row.reports_to})
MERGE (n)-[:REPORTS_TO]->(m);
