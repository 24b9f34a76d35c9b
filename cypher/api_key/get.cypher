// One API key by id.
MATCH (n:ApiKey {id: $id})
RETURN n.id AS id, n.name AS name, n.role AS role, n.rep_id AS rep_id, n.hash AS hash,
       n.created AS created, n.revoked AS revoked
