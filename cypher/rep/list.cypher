// A page of reps, in id order: all of them when $unscoped, else those on the team
// of an account in $scope; $active filters ('' = any, 'true' / 'false').
MATCH (n:Rep)
WHERE ($active = '' OR (n.active AND $active = 'true') OR (NOT n.active AND $active = 'false'))
  AND ($unscoped OR EXISTS { MATCH (n)-[:ON_TEAM]->(a:Account) WHERE a.id IN $scope })
RETURN n.id AS id,
       n.name AS name,
       n.role AS role,
       n.level AS level,
       n.active AS active,
       n.email AS email
ORDER BY id
SKIP $offset
LIMIT $limit
