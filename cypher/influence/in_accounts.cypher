// The INFLUENCES edges out of the contacts of the accounts among $account_ids.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (a:Account)<-[:WORKS_AT]-(s:Contact)-[x:INFLUENCES]->(t:Contact)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id,
       s.id AS source_id,
       t.id AS target_id,
       x.strength AS strength,
       x.kind AS kind
