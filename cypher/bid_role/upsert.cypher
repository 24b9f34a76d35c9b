// Create or update ROLE_IN edges by their endpoints; properties are replaced.
UNWIND $rows AS row
MATCH (b:Contact {id: row.contact_id})
MATCH (a:Bid {id: row.bid_id})
MERGE (b)-[x:ROLE_IN]->(a)
SET x.role = row.role,
    x.influence = row.influence,
    x.stance = row.stance
