// One ATTENDED edge per (activity_id, contact_id) row.
UNWIND $rows AS row
MATCH (n:Activity {id: row.activity_id})
MATCH (c:Contact {id: row.contact_id})
MERGE (c)-[:ATTENDED]->(n)
