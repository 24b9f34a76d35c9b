// The units of the accounts among $account_ids (through PART_OF), with group_id.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (a:Account)<-[:PART_OF]-(n:Unit)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id,
       n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.kind AS kind,
       n.parent_unit_id AS parent_unit_id,
       n.region AS region
