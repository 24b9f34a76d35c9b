// Delete one Bid and every relationship attached to it.
MATCH (n:Bid {id: $id})
DETACH DELETE n
