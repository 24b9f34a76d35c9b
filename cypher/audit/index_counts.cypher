// How many AUDIT_OF edges the trail should have (one per subject of each entry:
// graphcrm.audit.subjects) and how many it has: a store written before the index
// existed has fewer, and initialize() links the rest.
MATCH (e:AuditEntry)
WITH count(e.account_id) + count(e.moved_from) + sum(CASE WHEN e.kind = 'rep' THEN 1 ELSE 0 END) AS expected
OPTIONAL MATCH ()-[r:AUDIT_OF]->()
RETURN expected, count(r) AS linked
