// Bulk import: creates one Model per row, its properties exactly as given (app/bulk/inputs.py built
// them as the catalog's upsert stores them), with its OWNED_BY edge to the owner team (by id) when
// it has one. Returns how many it created.
// params: rows
UNWIND $rows AS row
OPTIONAL MATCH (team:Team {id: row.parent})
CREATE (n:Model)
SET n = row.props
FOREACH (owner IN CASE WHEN team IS NULL THEN [] ELSE [team] END | CREATE (n)-[:OWNED_BY]->(owner))
RETURN count(n) AS created
