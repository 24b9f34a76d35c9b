// The ROLE_IN edges of the bids of the account $account_id, with group_id.
// One account's form of in_accounts (same rows): matching the account by id lets the
// engine start from its index (LadybugDB: 0.1 ms against ~3 ms for the id range at 50k accounts).
MATCH (a:Account {id: $account_id})<-[:`FOR`]-(b:Bid)<-[x:ROLE_IN]-(c:Contact)
RETURN a.id AS group_id,
       b.id AS bid_id,
       c.id AS contact_id,
       x.role AS role,
       x.influence AS influence,
       x.stance AS stance
