// The ROLE_IN edges of the bids of the accounts among $account_ids, with group_id.
MATCH (a:Account)<-[:`FOR`]-(b:Bid)<-[x:ROLE_IN]-(c:Contact)
WHERE a.id IN $account_ids
RETURN a.id AS group_id,
       b.id AS bid_id,
       c.id AS contact_id,
       x.role AS role,
       x.influence AS influence,
       x.stance AS stance
