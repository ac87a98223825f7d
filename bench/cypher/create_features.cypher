// Benchmark bulk load: creates one Feature per row with its OWNED_BY edge to the owning team
// (which must exist); times come as epoch milliseconds. Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (team:Team {name: row.owner})
WITH row, team, datetime({epochMillis: row.created_at}) AS at
CREATE (n:Feature {id: row.id, group: row.group, name: row.name, owner: row.owner, dtype: row.dtype,
                   transformation: row.transformation, description: row.description,
                   tags: row.tags, tags_text: row.tags_text,
                   created_at: at, updated_at: at, created_by: row.by, updated_by: row.by})
CREATE (n)-[:OWNED_BY]->(team)
RETURN count(n) AS created
