// Delete one Contact and every relationship attached to it.
MATCH (n:Contact {id: $id})
DETACH DELETE n
