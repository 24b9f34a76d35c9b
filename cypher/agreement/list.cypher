// A page of agreement records, in key order, in $scope (account ids; ignored when $unscoped), filtered by
// $kind ('' = any).
MATCH (n:Agreement)
WHERE ($kind = '' OR n.kind = $kind)
  AND ($unscoped OR n.account_id IN $scope)
RETURN n.id AS id,
       n.account_id AS account_id,
       n.kind AS kind,
       n.signed AS signed,
       n.expires AS expires
ORDER BY id
SKIP $offset
LIMIT $limit
