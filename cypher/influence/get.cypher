// One INFLUENCES edge by its endpoints, in the import format's columns.
MATCH (a:Contact {id: $source_id})-[x:INFLUENCES]->(b:Contact {id: $target_id})
RETURN a.id AS source_id,
       b.id AS target_id,
       x.strength AS strength,
       x.kind AS kind
