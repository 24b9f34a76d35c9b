// A page of the audit trail, newest first: entries at or after $since and before
// $until, of account $account_id, record kind $kind, record key $key and via $via ('' = any),
// in $scope (account ids; ignored when $unscoped), about API keys only if $api_keys. A record
// moved between accounts counts as of both (its account and moved_from).
// The page is cut before the wide columns are projected: LadybugDB 0.22 sorted the
// projected rows, values and all (8 M entries: 2.0 s, against 1.0 s this way).
MATCH (e:AuditEntry)
WHERE e.at >= $since AND e.at < $until
  AND ($account_id = '' OR e.account_id = $account_id OR e.moved_from = $account_id)
  AND ($kind = '' OR e.kind = $kind)
  AND ($key = '' OR e.key = $key)
  AND ($via = '' OR e.via = $via)
  AND ($unscoped OR e.account_id IN $scope OR e.moved_from IN $scope)
  AND ($api_keys OR e.kind <> 'api_key')
WITH e
ORDER BY e.id DESC
SKIP $offset
LIMIT $limit
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.via AS via, e.action AS action, e.kind AS kind,
       e.key AS key, e.account_id AS account_id, e.moved_from AS moved_from,
       e.before AS before, e.after AS after
ORDER BY id DESC
