// Contact records by id, in the import format's columns (reports_to is the REPORTS_TO edge).
// $keys: maps of the key fields; one row per stored record, none for a missing one.
UNWIND $keys AS k
MATCH (n:Contact {id: k.id})
OPTIONAL MATCH (n)-[:REPORTS_TO]->(m:Contact)
RETURN n.id AS id,
       n.account_id AS account_id,
       n.unit_id AS unit_id,
       n.name AS name,
       n.title AS title,
       n.level AS level,
       m.id AS reports_to,
       n.email AS email
