// Which of $ids exist as Agreement nodes (for reference checks before an import).
MATCH (n:Agreement)
WHERE n.id IN $ids
RETURN n.id AS id, n.account_id AS account_id
