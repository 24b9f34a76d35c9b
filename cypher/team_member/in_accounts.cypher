// The ON_TEAM edges of the accounts among $account_ids, with group_id.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (b:Rep)-[x:ON_TEAM]->(a:Account)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id,
       a.id AS account_id,
       b.id AS rep_id,
       x.role AS role
