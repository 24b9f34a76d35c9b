// Which of $ids exist as Contact nodes (for reference checks before an import).
MATCH (n:Contact)
WHERE n.id IN $ids
RETURN n.id AS id, n.account_id AS account_id
