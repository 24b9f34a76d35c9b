// One Unit by id, in the import format's columns.
MATCH (n:Unit {id: $id})
RETURN n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.kind AS kind,
       n.parent_unit_id AS parent_unit_id,
       n.region AS region
