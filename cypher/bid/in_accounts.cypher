// The bids of the accounts among $account_ids (through FOR), with group_id.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (a:Account)<-[:`FOR`]-(n:Bid)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id,
       n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.tender_date AS tender_date,
       n.value AS value,
       n.currency AS currency
