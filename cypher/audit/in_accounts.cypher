// Every audit entry filed under, or moved from, an account whose id is between $first and
// $last (both included), oldest first: the trails of a batch of accounts in one scan (the
// caller keeps those of the accounts it asked for).
MATCH (e:AuditEntry)
WHERE (e.account_id >= $first AND e.account_id <= $last) OR (e.moved_from >= $first AND e.moved_from <= $last)
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after
ORDER BY id
