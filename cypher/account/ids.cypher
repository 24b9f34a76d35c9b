// Every account id, in order (portfolio work goes account by account).
MATCH (n:Account)
RETURN n.id AS id
ORDER BY id
