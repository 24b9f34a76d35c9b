// AUDIT_OF edges from audit entries to their subjects: $rows [{id, subject}] (both exist).
UNWIND $rows AS row
MATCH (e:AuditEntry {id: row.id})
MATCH (s:AuditSubject {id: row.subject})
CREATE (e)-[:AUDIT_OF]->(s)
