// Bids whose name or id holds $text (already lower case), in $scope (ignored
// when $unscoped): the first $limit by name.
MATCH (n:Bid)
WHERE (lower(n.name) CONTAINS $text OR lower(n.id) CONTAINS $text)
  AND ($unscoped OR n.account_id IN $scope)
RETURN n.id AS id, n.name AS name, n.stage AS detail, n.account_id AS account_id
ORDER BY name, id
LIMIT $limit
