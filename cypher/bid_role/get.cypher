// ROLE_IN edge records by their endpoints, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
// Three MATCH clauses: the one-pattern form is ~35x slower on LadybugDB.
UNWIND $keys AS k
MATCH (b:Contact {id: k.contact_id})
MATCH (a:Bid {id: k.bid_id})
MATCH (b)-[x:ROLE_IN]->(a)
RETURN a.id AS bid_id,
       b.id AS contact_id,
       x.role AS role,
       x.influence AS influence,
       x.stance AS stance
