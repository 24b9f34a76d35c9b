// The accounts that audit entries about a rep's relationships were filed under:
// $prefix is the rep's id and a slash, the start of such an entry's key.
MATCH (e:AuditEntry)
WHERE e.kind = 'relationship' AND e.key STARTS WITH $prefix
RETURN DISTINCT e.account_id AS account_id
