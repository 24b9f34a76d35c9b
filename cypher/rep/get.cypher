// One Rep by id, in the import format's columns.
MATCH (n:Rep {id: $id})
RETURN n.id AS id,
       n.name AS name,
       n.role AS role,
       n.level AS level,
       n.active AS active,
       n.email AS email
