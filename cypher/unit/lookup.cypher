// Which of $ids exist as Unit nodes (for reference checks before an import).
MATCH (n:Unit)
WHERE n.id IN $ids
RETURN n.id AS id, n.account_id AS account_id
