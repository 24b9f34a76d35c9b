// The ids of the activities a contact attended.
MATCH (:Contact {id: $id})-[:ATTENDED]->(a:Activity)
RETURN a.id AS id
