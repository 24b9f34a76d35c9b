// The accounts that have a plan: the plans command reads only their graphs.
MATCH (n:Plan)
RETURN DISTINCT n.account_id AS account_id
