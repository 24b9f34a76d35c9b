// How many records of each kind the store holds, named like the import files.
RETURN COUNT { MATCH (:Account) } AS accounts,
       COUNT { MATCH (:Unit) } AS units,
       COUNT { MATCH (:Contact) } AS contacts,
       COUNT { MATCH (:Rep) } AS reps,
       COUNT { MATCH (:Rep)-[:ON_TEAM]->(:Account) } AS account_team,
       COUNT { MATCH (:Rep)-[:KNOWS]->(:Contact) } AS relationships,
       COUNT { MATCH (:Contact)-[:INFLUENCES]->(:Contact) } AS influences,
       COUNT { MATCH (:Bid) } AS bids,
       COUNT { MATCH (:Contact)-[:ROLE_IN]->(:Bid) } AS bid_roles,
       COUNT { MATCH (:Activity) } AS activities,
       COUNT { MATCH (:Agreement) } AS agreements
