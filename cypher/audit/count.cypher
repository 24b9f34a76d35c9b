// How many audit entries match the filters of audit/list.
MATCH (e:AuditEntry)
WHERE e.at >= $since AND e.at < $until
  AND ($account_id = '' OR e.account_id = $account_id OR e.moved_from = $account_id)
  AND ($kind = '' OR e.kind = $kind)
  AND ($key = '' OR e.key = $key)
  AND ($via = '' OR e.via = $via)
  AND ($unscoped OR e.account_id IN $scope OR e.moved_from IN $scope)
  AND ($api_keys OR e.kind <> 'api_key')
RETURN count(*) AS n
