// Agreement records by id, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
UNWIND $keys AS k
MATCH (n:Agreement {id: k.id})
RETURN n.id AS id,
       n.account_id AS account_id,
       n.kind AS kind,
       n.signed AS signed,
       n.expires AS expires
