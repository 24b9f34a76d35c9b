// Delete one Rep and every relationship attached to it.
MATCH (n:Rep {id: $id})
DETACH DELETE n
