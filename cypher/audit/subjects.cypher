// The subjects that audit entries are about (graphcrm.audit.subjects: account ids,
// "rep/" and a rep id), made once: $rows [{id}].
UNWIND $rows AS row
MERGE (:AuditSubject {id: row.id})
