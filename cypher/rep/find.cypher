// Reps whose name or id holds $text (already lower case): all of them when
// $unscoped, else those on the team of an account in $scope; the first $limit by name.
MATCH (n:Rep)
WHERE (lower(n.name) CONTAINS $text OR lower(n.id) CONTAINS $text)
  AND ($unscoped OR EXISTS { MATCH (n)-[:ON_TEAM]->(a:Account) WHERE a.id IN $scope })
RETURN n.id AS id, n.name AS name, n.role AS detail, NULL AS account_id
ORDER BY name, id
LIMIT $limit
