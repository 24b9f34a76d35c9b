// A page of contact records, in key order, in $scope (account ids; ignored when $unscoped), filtered by
// $unit_id, $level ('' = any).
MATCH (n:Contact)
WHERE ($unit_id = '' OR n.unit_id = $unit_id)
  AND ($level = '' OR n.level = $level)
  AND ($unscoped OR n.account_id IN $scope)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(m:Contact)
RETURN n.id AS id,
       n.account_id AS account_id,
       n.unit_id AS unit_id,
       n.name AS name,
       n.title AS title,
       n.level AS level,
       m.id AS reports_to,
       n.email AS email
ORDER BY id
SKIP $offset
LIMIT $limit
