// The audit entries with a subject but no AUDIT_OF edge yet (a store from before the index).
MATCH (e:AuditEntry)
WHERE (e.account_id IS NOT NULL OR e.moved_from IS NOT NULL OR e.kind = 'rep')
  AND NOT EXISTS { MATCH (e)-[:AUDIT_OF]->(:AuditSubject) }
RETURN e.id AS id, e.account_id AS account_id, e.moved_from AS moved_from, e.kind AS kind, e.key AS key
