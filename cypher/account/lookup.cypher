// Which of $ids exist as Account nodes (for reference checks before an import).
MATCH (n:Account)
WHERE n.id IN $ids
RETURN n.id AS id, n.id AS account_id
