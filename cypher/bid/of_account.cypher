// The bids of the account $account_id (through FOR), with group_id.
// One account's form of in_accounts (same rows): matching the account by id lets the
// engine start from its index (LadybugDB: 0.1 ms against ~3 ms for the id range at 50k accounts).
MATCH (a:Account {id: $account_id})<-[:`FOR`]-(n:Bid)
RETURN a.id AS group_id,
       n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.tender_date AS tender_date,
       n.value AS value,
       n.currency AS currency
