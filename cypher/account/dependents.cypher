// How many records still refer to an account by property (deleting it would leave
// them dangling): its units, contacts, bids, agreements, activities, child accounts.
RETURN COUNT { MATCH (n:Unit {account_id: $id}) } +
       COUNT { MATCH (n:Contact {account_id: $id}) } +
       COUNT { MATCH (n:Bid {account_id: $id}) } +
       COUNT { MATCH (n:Agreement {account_id: $id}) } +
       COUNT { MATCH (n:Activity {account_id: $id}) } +
       COUNT { MATCH (n:Account {parent_id: $id}) } AS n
