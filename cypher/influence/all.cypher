// Every INFLUENCES edge, in the import format's columns.
MATCH (a:Contact)-[x:INFLUENCES]->(b:Contact)
RETURN a.id AS source_id,
       b.id AS target_id,
       x.strength AS strength,
       x.kind AS kind
ORDER BY source_id, target_id
