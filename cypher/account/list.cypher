// A page of account records, in key order, in $scope (account ids; ignored when $unscoped), filtered by
// $tier ('' = any).
MATCH (n:Account)
WHERE ($tier = '' OR n.tier = $tier)
  AND ($unscoped OR n.id IN $scope)
RETURN n.id AS id,
       n.name AS name,
       n.tier AS tier,
       n.industry AS industry,
       n.parent_id AS parent_id,
       n.strategic_fit AS strategic_fit,
       n.annual_revenue AS annual_revenue
ORDER BY id
SKIP $offset
LIMIT $limit
