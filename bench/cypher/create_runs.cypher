// Benchmark bulk load: creates one Run per row with its INSTANCE_OF edge to the job (by id, which
// must exist); parameters is a JSON text as the catalog stores it; times come as epoch
// milliseconds (registered when it started, updated when it ended). Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (job:Job {id: row.job_id})
WITH row, job, datetime({epochMillis: row.started_at}) AS started, datetime({epochMillis: row.ended_at}) AS ended
CREATE (n:Run {id: row.id, run_id: row.run_id, job_namespace: job.namespace, job_name: job.name, state: row.state,
               started_at: started, ended_at: ended, code_repository: row.code_repository,
               code_commit: row.code_commit, parameters: row.parameters,
               created_at: started, updated_at: ended, created_by: row.by, updated_by: row.by})
CREATE (n)-[:INSTANCE_OF]->(job)
RETURN count(n) AS created
