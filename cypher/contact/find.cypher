// Contacts whose name, title or id holds $text (already lower case), in $scope
// (account ids; ignored when $unscoped): the first $limit by name.
MATCH (n:Contact)
WHERE (lower(n.name) CONTAINS $text OR lower(coalesce(n.title, '')) CONTAINS $text OR lower(n.id) CONTAINS $text)
  AND ($unscoped OR n.account_id IN $scope)
RETURN n.id AS id, n.name AS name, n.title AS detail, n.account_id AS account_id
ORDER BY name, id
LIMIT $limit
