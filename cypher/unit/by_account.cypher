// The Unit nodes of one account, in the import format's columns.
MATCH (n:Unit {account_id: $account_id})
RETURN n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.kind AS kind,
       n.parent_unit_id AS parent_unit_id,
       n.region AS region
ORDER BY id
