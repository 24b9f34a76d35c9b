// Create or update INFLUENCES edges by their endpoints; properties are replaced.
UNWIND $rows AS row
MATCH (a:Contact {id: row.source_id})
MATCH (b:Contact {id: row.target_id})
MERGE (a)-[x:INFLUENCES]->(b)
SET x.strength = row.strength,
    x.kind = row.kind
