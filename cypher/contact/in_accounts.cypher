// The contacts of the accounts among $account_ids (through WORKS_AT), with
// group_id; reports_to is the REPORTS_TO edge.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (a:Account)<-[:WORKS_AT]-(n:Contact)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
OPTIONAL MATCH (n)-[:REPORTS_TO]->(m:Contact)
RETURN a.id AS group_id,
       n.id AS id,
       n.account_id AS account_id,
       n.unit_id AS unit_id,
       n.name AS name,
       n.title AS title,
       n.level AS level,
       m.id AS reports_to,
       n.email AS email
