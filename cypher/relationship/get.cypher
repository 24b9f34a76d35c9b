// One KNOWS edge by its endpoints, in the import format's columns.
MATCH (a:Rep {id: $rep_id})-[x:KNOWS]->(b:Contact {id: $contact_id})
RETURN a.id AS rep_id,
       b.id AS contact_id,
       x.depth AS depth,
       x.last_contact AS last_contact,
       x.since AS since
