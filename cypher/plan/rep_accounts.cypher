// The accounts that have a plan owned by the rep $rep_id.
// (Not one query with `$rep_id IS NULL OR …`: LadybugDB 0.22 types a null parameter
// as BOOL and then fails converting the owner id to a boolean.)
MATCH (n:Plan)
WHERE n.owner_rep_id = $rep_id
RETURN DISTINCT n.account_id AS account_id
