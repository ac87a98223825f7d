// Benchmark bulk load: creates one Deployment per row (which versions it served is loaded by
// `bench.link_serves`); times come as epoch milliseconds. Returns how many it created.
// params: rows
UNWIND $rows AS row
WITH row, datetime({epochMillis: row.since}) AS since
CREATE (n:Deployment {id: row.id, environment: row.environment, name: row.name, endpoint: row.endpoint,
                      status: row.status, since: since,
                      created_at: datetime({epochMillis: row.created_at}), updated_at: since,
                      created_by: row.by, updated_by: row.by})
RETURN count(n) AS created
