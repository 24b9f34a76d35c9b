// The ROLE_IN edges of the bids of the accounts among $account_ids, with group_id.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (a:Account)<-[:`FOR`]-(b:Bid)<-[x:ROLE_IN]-(c:Contact)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id,
       b.id AS bid_id,
       c.id AS contact_id,
       x.role AS role,
       x.influence AS influence,
       x.stance AS stance
