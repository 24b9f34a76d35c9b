// A page of bid records, in key order, in $scope (account ids; ignored when $unscoped), filtered by
// $stage ('' = any).
MATCH (n:Bid)
WHERE ($stage = '' OR n.stage = $stage)
  AND ($unscoped OR n.account_id IN $scope)
RETURN n.id AS id,
       n.account_id AS account_id,
       n.name AS name,
       n.stage AS stage,
       n.tender_date AS tender_date,
       n.value AS value,
       n.currency AS currency
ORDER BY id
SKIP $offset
LIMIT $limit
