// The ids of the contacts who report to a contact (whatever their account).
MATCH (c:Contact)-[:REPORTS_TO]->(:Contact {id: $id})
RETURN c.id AS id
