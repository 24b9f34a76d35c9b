// Every audit entry about a subject whose id is between $first and $last (both
// included), oldest first, with that subject: the trails of a batch of accounts (or,
// from "rep/" to "rep0", of every rep) in one pass over the subjects (the caller keeps
// those it asked for).
MATCH (s:AuditSubject)<-[:AUDIT_OF]-(e:AuditEntry)
WHERE s.id >= $first AND s.id <= $last
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after, s.id AS subject
ORDER BY id
