// The KNOWS edges into the contacts of the accounts among $account_ids, with group_id.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (r:Rep)-[x:KNOWS]->(c:Contact)-[:WORKS_AT]->(a:Account)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id,
       r.id AS rep_id,
       c.id AS contact_id,
       x.depth AS depth,
       x.last_contact AS last_contact,
       x.since AS since
