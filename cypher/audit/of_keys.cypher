// Every audit entry about the records of kind $kind whose keys are in $keys (a list of
// strings), oldest first: the reps an account's past names (reps belong to no account).
MATCH (e:AuditEntry)
WHERE e.kind = $kind AND e.key IN $keys
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after
ORDER BY id
