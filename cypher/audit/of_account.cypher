// Every audit entry about the records of account $account_id — filed under it, or under
// another account after moving from it — oldest first: what graphcrm.history rebuilds
// the account's past from.
MATCH (e:AuditEntry)
WHERE e.account_id = $account_id OR e.moved_from = $account_id
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after
ORDER BY id
