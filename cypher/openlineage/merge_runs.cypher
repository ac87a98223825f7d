// OpenLineage ingestion: the runs a batch of events reports. started_at is the earliest event
// time, ended_at the latest terminal one; the state is the highest of START < RUNNING < terminal
// (COMPLETE, FAIL, ABORT), then the latest, then by name, so replays in any order agree. Returns
// one row per run already recorded under another job: the caller refuses the batch.
// params: rows, principal
UNWIND $rows AS row
// Times travel as text: the driver packs a datetime parameter ~50x slower than a string.
WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at,
     datetime(row.started_at) AS started_at, datetime(row.ended_at) AS ended_at, datetime(row.state_at) AS state_at
MATCH (job:Job {namespace: row.job_namespace, name: row.job_name})
MERGE (n:Run {run_id: row.run_id})
ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
              n.updated_at = last_at, n.updated_by = $principal,
              n.job_namespace = row.job_namespace, n.job_name = row.job_name
SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END,
    n.started_at = CASE WHEN n.started_at IS NULL OR started_at < n.started_at
                        THEN started_at ELSE n.started_at END,
    n.ended_at = CASE WHEN n.ended_at IS NULL OR ended_at > n.ended_at
                      THEN coalesce(ended_at, n.ended_at) ELSE n.ended_at END
WITH n, row, job, state_at,
     CASE n.state WHEN 'START' THEN 1 WHEN 'RUNNING' THEN 2 WHEN 'COMPLETE' THEN 3
                  WHEN 'FAIL' THEN 3 WHEN 'ABORT' THEN 3 ELSE 0 END AS stored_rank
CALL (n, row, stored_rank, state_at) {
  WITH n, row WHERE row.state IS NOT NULL AND (
    row.state_rank > stored_rank OR (row.state_rank = stored_rank AND (
      n.state_at IS NULL OR state_at > n.state_at OR (state_at = n.state_at AND row.state > n.state))))
  SET n.state = row.state, n.state_at = state_at
}
CALL (n, row) {
  UNWIND row.facets AS facet
  WITH n, facet
  WHERE n[facet.time_key] IS NULL OR facet.at > n[facet.time_key]
     OR (facet.at = n[facet.time_key] AND facet.hash > n[facet.hash_key])
  SET n += facet.props
}
CALL (n, job) {
  WITH n, job WHERE n.job_namespace = job.namespace AND n.job_name = job.name
  MERGE (n)-[:INSTANCE_OF]->(job)
}
WITH n, row
WHERE n.job_namespace <> row.job_namespace OR n.job_name <> row.job_name
RETURN row.run_id AS run_id, n.job_namespace AS job_namespace, n.job_name AS job_name
