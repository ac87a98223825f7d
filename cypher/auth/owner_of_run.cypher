// The team owning the job of this run (writes to a run are scoped to it); no row when the run does not exist.
// params: run_id
MATCH (:Run {run_id: $run_id})-[:INSTANCE_OF]->(job:Job)
RETURN job.owner AS owner
