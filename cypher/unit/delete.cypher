// Delete one Unit and every relationship attached to it.
MATCH (n:Unit {id: $id})
DETACH DELETE n
