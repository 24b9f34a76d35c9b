// Bid records by id, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
UNWIND $keys AS k
MATCH (n:Bid {id: k.id})
RETURN n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.tender_date AS tender_date,
       n.value AS value,
       n.currency AS currency
