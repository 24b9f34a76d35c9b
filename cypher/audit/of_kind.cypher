// Every audit entry about records of kind $kind, oldest first (the reps: a small table).
MATCH (e:AuditEntry)
WHERE e.kind = $kind
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after
ORDER BY id
