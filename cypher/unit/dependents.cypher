// How many records still refer to a unit by property: its contacts and child units.
RETURN COUNT { MATCH (n:Contact {unit_id: $id}) } +
       COUNT { MATCH (n:Unit {parent_unit_id: $id}) } AS n
