// Delete one KNOWS edge by its endpoints.
MATCH (a:Rep {id: $rep_id})-[x:KNOWS]->(b:Contact {id: $contact_id})
DELETE x
