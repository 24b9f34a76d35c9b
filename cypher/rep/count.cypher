// How many reps (see rep/list).
MATCH (n:Rep)
WHERE ($active = '' OR (n.active AND $active = 'true') OR (NOT n.active AND $active = 'false'))
  AND ($unscoped OR EXISTS { MATCH (n)-[:ON_TEAM]->(a:Account) WHERE a.id IN $scope })
RETURN count(*) AS n
