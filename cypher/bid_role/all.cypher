// Every ROLE_IN edge, in the import format's columns.
MATCH (b:Contact)-[x:ROLE_IN]->(a:Bid)
RETURN a.id AS bid_id,
       b.id AS contact_id,
       x.role AS role,
       x.influence AS influence,
       x.stance AS stance
ORDER BY bid_id, contact_id
