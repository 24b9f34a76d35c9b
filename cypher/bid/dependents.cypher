// How many activities still refer to a bid by property.
RETURN COUNT { MATCH (n:Activity {bid_id: $id}) } AS n
