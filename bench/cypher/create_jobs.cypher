// Benchmark bulk load: creates one Job per row with its OWNED_BY edge to the owning team
// (which must exist); times come as epoch milliseconds. Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (team:Team {name: row.owner})
WITH row, team, datetime({epochMillis: row.created_at}) AS at
CREATE (n:Job {id: row.id, namespace: row.namespace, name: row.name, owner: row.owner, description: row.description,
               created_at: at, updated_at: at, created_by: row.by, updated_by: row.by})
CREATE (n)-[:OWNED_BY]->(team)
RETURN count(n) AS created
