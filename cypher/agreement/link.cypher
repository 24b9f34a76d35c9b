// Rebuild each agreement's FOR edge from account_id.
UNWIND $rows AS row
MATCH (n:Agreement {id: row.id})-[r:`FOR`]->()
DELETE r;
UNWIND $rows AS row
MATCH (n:Agreement {id: row.id})
MATCH (a:Account {id: row.account_id})
MERGE (n)-[:`FOR`]->(a);
