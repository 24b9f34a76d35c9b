// Create or update KNOWS edges by their endpoints; properties are replaced.
UNWIND $rows AS row
MATCH (a:Rep {id: row.rep_id})
MATCH (b:Contact {id: row.contact_id})
MERGE (a)-[x:KNOWS]->(b)
SET x.depth = row.depth,
    x.last_contact = row.last_contact,
    x.since = row.since
