// Rebuild each activity's ATTENDED edges: drop the old ones here; the attendees
// are added by attend_reps and attend_contacts.
UNWIND $rows AS row
MATCH (:Rep)-[r:ATTENDED]->(n:Activity {id: row.id})
DELETE r;
UNWIND $rows AS row
MATCH (:Contact)-[r:ATTENDED]->(n:Activity {id: row.id})
DELETE r;
