// Benchmark bulk load: creates one Team per row (CREATE, not MERGE: the generator's keys are
// unique and the uniqueness constraints still check every one); times come as epoch
// milliseconds and are stored as datetimes. Returns how many it created.
// params: rows
UNWIND $rows AS row
WITH row, datetime({epochMillis: row.created_at}) AS at
CREATE (n:Team {id: row.id, name: row.name, description: row.description,
                created_at: at, updated_at: at, created_by: row.by, updated_by: row.by})
RETURN count(n) AS created
