// The reps that touch the accounts among $account_ids — on the team, knowing a
// contact, or attending an activity — once per account (group_id).
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (n:Rep)-[:ON_TEAM]->(a:Account)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id, n.id AS id, n.name AS name, n.role AS role, n.level AS level,
       n.active AS active, n.email AS email
UNION
MATCH (n:Rep)-[:KNOWS]->(:Contact)-[:WORKS_AT]->(a:Account)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id, n.id AS id, n.name AS name, n.role AS role, n.level AS level,
       n.active AS active, n.email AS email
UNION
MATCH (n:Rep)-[:ATTENDED]->(x:Activity)
WHERE x.account_id >= $first AND x.account_id <= $last AND x.account_id IN $account_ids
RETURN x.account_id AS group_id, n.id AS id, n.name AS name, n.role AS role, n.level AS level,
       n.active AS active, n.email AS email
