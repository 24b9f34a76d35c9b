// Which of $ids exist as Activity nodes (for reference checks before an import).
MATCH (n:Activity)
WHERE n.id IN $ids
RETURN n.id AS id, n.account_id AS account_id
