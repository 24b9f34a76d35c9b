// The accounts where a rep knows at least one contact (departure impact).
MATCH (r:Rep {id: $id})-[:KNOWS]->(c:Contact)
RETURN DISTINCT c.account_id AS account_id
ORDER BY account_id
