// Delete one ROLE_IN edge by its endpoints.
MATCH (b:Contact {id: $contact_id})-[x:ROLE_IN]->(a:Bid {id: $bid_id})
DELETE x
