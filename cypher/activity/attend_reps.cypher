// One ATTENDED edge per (activity_id, rep_id) row.
UNWIND $rows AS row
MATCH (n:Activity {id: row.activity_id})
MATCH (r:Rep {id: row.rep_id})
MERGE (r)-[:ATTENDED]->(n)
