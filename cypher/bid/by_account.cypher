// The Bid nodes of one account, in the import format's columns.
MATCH (n:Bid {account_id: $account_id})
RETURN n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.tender_date AS tender_date,
       n.value AS value,
       n.currency AS currency
ORDER BY id
