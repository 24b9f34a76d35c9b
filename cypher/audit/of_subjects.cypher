// Every audit entry about one of the subjects $ids (account ids, or "rep/" and a rep id),
// oldest first, each with the subject it was found by: one account's trail, or its
// reps', read from the subjects' index entries (AUDIT_OF), never by scanning the trail.
// LadybugDB 0.22: `WHERE s.id IN $ids` (a few ids) took 7 ms here; `UNWIND $ids AS i MATCH
// (s:AuditSubject {id: i})<-[:AUDIT_OF]-(e)` took 2.3 s (3.4 M entries).
MATCH (s:AuditSubject)<-[:AUDIT_OF]-(e:AuditEntry)
WHERE s.id IN $ids
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after, s.id AS subject
ORDER BY id
