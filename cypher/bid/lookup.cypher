// Which of $ids exist as Bid nodes (for reference checks before an import).
MATCH (n:Bid)
WHERE n.id IN $ids
RETURN n.id AS id, n.account_id AS account_id
