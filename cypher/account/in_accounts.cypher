// The accounts among $account_ids, in the import format's columns; group_id is the
// account the row belongs to (every in_accounts query returns it, for streaming).
// $first/$last: the least and greatest of $account_ids. The range lets the engine
// skip other accounts at once; `IN` alone checks every account against every id.
MATCH (n:Account)
WHERE n.id >= $first AND n.id <= $last AND n.id IN $account_ids
RETURN n.id AS group_id,
       n.id AS id,
       n.name AS name,
       n.tier AS tier,
       n.industry AS industry,
       n.parent_id AS parent_id,
       n.strategic_fit AS strategic_fit,
       n.annual_revenue AS annual_revenue
