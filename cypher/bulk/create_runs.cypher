// Bulk import: creates one Run per row, its properties as given and its times (row.t) as epoch microseconds (as catalog.upsert_run
// stores them), with its INSTANCE_OF edge to its job (by id). Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (job:Job {id: row.parent})
CREATE (n:Run)
SET n = row.props,
    n.created_at = datetime({epochSeconds: row.t[0] / 1000000, nanosecond: row.t[0] % 1000000 * 1000}),
    n.updated_at = datetime({epochSeconds: row.t[1] / 1000000, nanosecond: row.t[1] % 1000000 * 1000}),
    n.started_at = CASE WHEN row.t[2] IS NULL THEN null ELSE datetime({epochSeconds: row.t[2] / 1000000, nanosecond: row.t[2] % 1000000 * 1000}) END,
    n.ended_at = CASE WHEN row.t[3] IS NULL THEN null ELSE datetime({epochSeconds: row.t[3] / 1000000, nanosecond: row.t[3] % 1000000 * 1000}) END
CREATE (n)-[:INSTANCE_OF]->(job)
RETURN count(n) AS created
