// INFLUENCES edge records by their endpoints, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
// Three MATCH clauses: the one-pattern form is ~35x slower on LadybugDB.
UNWIND $keys AS k
MATCH (a:Contact {id: k.source_id})
MATCH (b:Contact {id: k.target_id})
MATCH (a)-[x:INFLUENCES]->(b)
RETURN a.id AS source_id,
       b.id AS target_id,
       x.strength AS strength,
       x.kind AS kind
