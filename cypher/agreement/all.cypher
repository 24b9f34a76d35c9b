// Every Agreement, in the import format's columns.
MATCH (n:Agreement)
RETURN n.id AS id,
       n.account_id AS account_id,
       n.kind AS kind,
       n.signed AS signed,
       n.expires AS expires
ORDER BY id
