// The bids of the accounts among $account_ids (through FOR), with group_id.
MATCH (a:Account)<-[:`FOR`]-(n:Bid)
WHERE a.id IN $account_ids
RETURN a.id AS group_id,
       n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.tender_date AS tender_date,
       n.value AS value,
       n.currency AS currency
