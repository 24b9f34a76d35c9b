// Unit records by id, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
UNWIND $keys AS k
MATCH (n:Unit {id: k.id})
RETURN n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.kind AS kind,
       n.parent_unit_id AS parent_unit_id,
       n.region AS region
