// The agreements of the accounts among $account_ids (through FOR), with group_id.
MATCH (a:Account)<-[:`FOR`]-(n:Agreement)
WHERE a.id IN $account_ids
RETURN a.id AS group_id,
       n.id AS id,
       n.account_id AS account_id,
       n.kind AS kind,
       n.signed AS signed,
       n.expires AS expires
