// One ROLE_IN edge by its endpoints, in the import format's columns.
MATCH (b:Contact {id: $contact_id})-[x:ROLE_IN]->(a:Bid {id: $bid_id})
RETURN a.id AS bid_id,
       b.id AS contact_id,
       x.role AS role,
       x.influence AS influence,
       x.stance AS stance
