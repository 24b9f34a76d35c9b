// Which of $ids exist as Rep nodes (for reference checks before an import).
MATCH (n:Rep)
WHERE n.id IN $ids
RETURN n.id AS id
