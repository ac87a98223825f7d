// Bulk import: creates one Dataset per row, its properties as given and its times (row.t) as epoch microseconds (app/bulk/inputs.py built
// them as the catalog's upsert stores them), with its OWNED_BY edge to the owner team (by id) when
// it has one. Returns how many it created.
// params: rows
UNWIND $rows AS row
OPTIONAL MATCH (team:Team {id: row.parent})
CREATE (n:Dataset)
SET n = row.props,
    n.created_at = datetime({epochSeconds: row.t[0] / 1000000, nanosecond: row.t[0] % 1000000 * 1000}),
    n.updated_at = datetime({epochSeconds: row.t[1] / 1000000, nanosecond: row.t[1] % 1000000 * 1000})
FOREACH (owner IN CASE WHEN team IS NULL THEN [] ELSE [team] END | CREATE (n)-[:OWNED_BY]->(owner))
RETURN count(n) AS created
