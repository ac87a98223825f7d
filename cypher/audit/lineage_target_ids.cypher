// The ids of the runs, jobs and datasets lineage events named (to file their audit events under
// the nodes' ids, whoever created them). One row per node found.
// params: run_ids, jobs, datasets
CALL () {
  UNWIND $run_ids AS run_id
  MATCH (n:Run {run_id: run_id})
  RETURN 'Run' AS kind, run_id AS key, n.id AS id
  UNION ALL
  UNWIND $jobs AS job
  MATCH (n:Job {namespace: job.namespace, name: job.name})
  RETURN 'Job' AS kind, job.namespace + '/' + job.name AS key, n.id AS id
  UNION ALL
  UNWIND $datasets AS dataset
  MATCH (n:Dataset {namespace: dataset.namespace, name: dataset.name})
  RETURN 'Dataset' AS kind, dataset.namespace + '/' + dataset.name AS key, n.id AS id
}
RETURN kind, key, id
