// A page of unit records, in key order, in $scope (account ids; ignored when $unscoped), filtered by
// $kind ('' = any).
MATCH (n:Unit)
WHERE ($kind = '' OR n.kind = $kind)
  AND ($unscoped OR n.account_id IN $scope)
RETURN n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.kind AS kind,
       n.parent_unit_id AS parent_unit_id,
       n.region AS region
ORDER BY id
SKIP $offset
LIMIT $limit
