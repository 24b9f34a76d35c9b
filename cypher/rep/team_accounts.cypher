// The accounts on whose team a rep is (what a member key bound to the rep may see).
MATCH (r:Rep {id: $id})-[:ON_TEAM]->(a:Account)
RETURN a.id AS account_id
ORDER BY account_id
