// Bulk import: creates one Run per row, its properties exactly as given (as catalog.upsert_run
// stores them), with its INSTANCE_OF edge to its job (by id). Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (job:Job {id: row.parent})
CREATE (n:Run)
SET n = row.props
CREATE (n)-[:INSTANCE_OF]->(job)
RETURN count(n) AS created
