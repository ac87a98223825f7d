// Registers one execution of an existing job by its run id, or updates the fields given.
// No row when the job does not exist. Returns the node, whether anything changed, and the
// job the run was first recorded under (a run never moves to another job).
// `previous`: [field, value before] of each field this call changed, for the audit trail.
// params: run_id, job_namespace, job_name, id, props, now, principal
MATCH (job:Job {namespace: $job_namespace, name: $job_name})
MERGE (n:Run {run_id: $run_id})
ON CREATE SET n += $props, n.id = $id, n.created_at = $now, n.created_by = $principal,
              n.updated_at = $now, n.updated_by = $principal,
              n.job_namespace = $job_namespace, n.job_name = $job_name
WITH n, job, [k IN keys($props) WHERE n[k] IS NULL OR n[k] <> $props[k]] AS changed,
     [k IN keys($props) WHERE n[k] IS NOT NULL AND n[k] <> $props[k] | [k, n[k]]] AS previous
CALL (n, job) {
  WITH n, job WHERE n.job_namespace = job.namespace AND n.job_name = job.name
  MERGE (n)-[:INSTANCE_OF]->(job)
}
CALL (n, changed) {
  WITH n WHERE size(changed) > 0
  SET n += $props, n.updated_at = $now, n.updated_by = $principal
}
RETURN n {.*} AS node, previous, n.id = $id AS created, size(changed) > 0 AS changed,
       n.job_namespace AS stored_job_namespace, n.job_name AS stored_job_name
