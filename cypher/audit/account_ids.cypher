// The ids of every account the audit trail has a record of (some may be deleted since).
MATCH (e:AuditEntry)
WHERE e.kind = 'account'
RETURN DISTINCT e.key AS id
ORDER BY id
