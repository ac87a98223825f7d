// Benchmark bulk load: creates the life-cycle Stage nodes (one per name, as
// `catalog.upsert_model_version` would on first use). Returns how many it created.
// params: rows
UNWIND $rows AS row
CREATE (n:Stage {id: row.id, name: row.name})
RETURN count(n) AS created
