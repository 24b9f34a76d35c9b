// Logging an activity moves KNOWS.last_contact forward for every rep and contact
// who attended it, creating the KNOWS edge at depth 1 when there was none
// (DESIGN §2). One row per (rep_id, contact_id) with the first and last date.
UNWIND $rows AS row
MATCH (r:Rep {id: row.rep_id})
MATCH (c:Contact {id: row.contact_id})
MERGE (r)-[k:KNOWS]->(c)
ON CREATE SET k.depth = 1, k.since = row.first, k.last_contact = row.last
ON MATCH SET k.last_contact = CASE
    WHEN k.last_contact IS NULL OR k.last_contact < row.last THEN row.last
    ELSE k.last_contact
END
