// Rep records by id, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
UNWIND $keys AS k
MATCH (n:Rep {id: k.id})
RETURN n.id AS id,
       n.name AS name,
       n.role AS role,
       n.level AS level,
       n.active AS active,
       n.email AS email
