// The whole audit trail, oldest first (ids sort in the order of the writes).
MATCH (e:AuditEntry)
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after
ORDER BY id
