// The audit entries with the ids of $ids (a list of strings), found by the id index.
UNWIND $ids AS i
MATCH (e:AuditEntry {id: i})
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after
