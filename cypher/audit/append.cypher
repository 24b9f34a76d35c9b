// Append audit entries, one per row (graphcrm.audit.AUDIT_COLUMNS). Entries are
// never updated or deleted: CREATE, not MERGE (the ids are new by construction).
UNWIND $rows AS row
CREATE (:AuditEntry {id: row.id, at: row.at, actor: row.actor, via: row.via, action: row.action,
                     kind: row.kind, key: row.key, account_id: row.account_id, moved_from: row.moved_from,
                     before: row.before, after: row.after})
