// Delete one Agreement and every relationship attached to it.
MATCH (n:Agreement {id: $id})
DETACH DELETE n
