// The agreements of the accounts among $account_ids (through FOR), with group_id.
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (a:Account)<-[:`FOR`]-(n:Agreement)
WHERE a.id >= $first AND a.id <= $last AND a.id IN $account_ids
RETURN a.id AS group_id,
       n.id AS id,
       n.account_id AS account_id,
       n.kind AS kind,
       n.signed AS signed,
       n.expires AS expires
