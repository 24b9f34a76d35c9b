// Delete one INFLUENCES edge by its endpoints.
MATCH (a:Contact {id: $source_id})-[x:INFLUENCES]->(b:Contact {id: $target_id})
DELETE x
