// ON_TEAM edge records by their endpoints, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
// Three MATCH clauses: the one-pattern form is ~35x slower on LadybugDB.
UNWIND $keys AS k
MATCH (b:Rep {id: k.rep_id})
MATCH (a:Account {id: k.account_id})
MATCH (b)-[x:ON_TEAM]->(a)
RETURN a.id AS account_id,
       b.id AS rep_id,
       x.role AS role
