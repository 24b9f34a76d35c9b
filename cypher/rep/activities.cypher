// The ids of the activities a rep attended.
MATCH (:Rep {id: $id})-[:ATTENDED]->(a:Activity)
RETURN a.id AS id
