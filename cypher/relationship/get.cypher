// KNOWS edge records by their endpoints, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
// Three MATCH clauses: the one-pattern form is ~35x slower on LadybugDB.
UNWIND $keys AS k
MATCH (a:Rep {id: k.rep_id})
MATCH (b:Contact {id: k.contact_id})
MATCH (a)-[x:KNOWS]->(b)
RETURN a.id AS rep_id,
       b.id AS contact_id,
       x.depth AS depth,
       x.last_contact AS last_contact,
       x.since AS since
