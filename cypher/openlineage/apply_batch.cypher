// OpenLineage ingestion: a batch of merged graph changes in one statement (one round trip, one
// plan), one subquery per kind of node or edge over all the batch's rows, in dependency order:
// teams before what they own, jobs before runs, datasets before their versions, models before
// theirs, nodes before edges. The merge rules make replays in any order agree:
// - created_at is the earliest event time that mentions a node, updated_at the latest;
// - each facet's properties come from the latest event carrying that facet (ties broken by the
//   facet's content hash), kept as ol_<facet>_at / ol_<facet>_hash beside them; the owning team
//   follows the winning ownership facet;
// - a run's started_at is the earliest event time, ended_at the latest terminal one; its state is
//   the highest of START < RUNNING < terminal (COMPLETE, FAIL, ABORT), then the latest, then by name;
// - a new model version starts in DEVELOPMENT (its first IN_STAGE span begins when the version
//   was first seen); its artifact digest is recorded once and never changed;
// - an edge keeps the earliest event time that asserted it (created_at, read by asOf).
// Times travel as text: the driver packs a datetime parameter ~50x slower than a string.
// Returns one row: `refused_digests` (model versions whose stored digest differs from the
// event's) and `moved_runs` (runs already recorded under another job); either one non-empty
// means the caller refuses the batch (rolls the transaction back). And the ids of the batch's
// runs, jobs and datasets ({key, id}: run id, or namespace/name), which the events' audit entries
// are filed under: whoever created a node, its id is read here, where the node is already bound,
// rather than looked up again by a statement of its own.
// `replan=skip`: every lookup here is a unique-constraint seek whatever the statistics say, and
// replanning this statement (~1 s of CPU on two cores) whenever a fast-growing graph's label counts
// drift would stall ingestion for nothing.
// The rows of every kind travel in one map, `batch` (teams, jobs, datasets, dataset_versions, models,
// model_versions, runs, evaluations, used_dataset_versions, used_model_versions,
// generated_dataset_versions, generated_model_versions, parent_runs): Neo4j caches a plan under
// its parameters' types, and an empty list is not typed like a list of maps, so thirteen list
// parameters gave every mix of empty and non-empty kinds a plan of its own (~1.4 s of CPU each on
// a warm server, ~10 s just after a restart); one map parameter is one type, one plan.
// params: batch, principal, stage_id
CYPHER replan=skip
CALL () {
  UNWIND $batch.teams AS row
  WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
  MERGE (n:Team {name: row.name})
  ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
                n.updated_at = last_at, n.updated_by = $principal
  SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
      n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
}
CALL () {
  UNWIND $batch.jobs AS row
  WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
  MERGE (n:Job {namespace: row.namespace, name: row.name})
  ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
                n.updated_at = last_at, n.updated_by = $principal
  SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
      n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
  WITH n, row
  CALL (n, row) {
    UNWIND row.facets AS facet
    WITH n, facet
    WHERE n[facet.time_key] IS NULL OR facet.at > n[facet.time_key]
       OR (facet.at = n[facet.time_key] AND facet.hash > n[facet.hash_key])
    SET n += facet.props
  }
  CALL (n) {
    OPTIONAL MATCH (n)-[old:OWNED_BY]->(previous:Team)
    WHERE n.owner IS NULL OR previous.name <> n.owner
    DELETE old
  }
  CALL (n) {
    MATCH (team:Team {name: n.owner})
    MERGE (n)-[:OWNED_BY]->(team)
  }
  RETURN collect({key: row.namespace + '/' + row.name, id: n.id}) AS job_ids
}
CALL () {
  UNWIND $batch.datasets AS row
  WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
  MERGE (n:Dataset {namespace: row.namespace, name: row.name})
  ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
                n.updated_at = last_at, n.updated_by = $principal
  SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
      n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
  WITH n, row
  CALL (n, row) {
    UNWIND row.facets AS facet
    WITH n, facet
    WHERE n[facet.time_key] IS NULL OR facet.at > n[facet.time_key]
       OR (facet.at = n[facet.time_key] AND facet.hash > n[facet.hash_key])
    SET n += facet.props
  }
  CALL (n) {
    OPTIONAL MATCH (n)-[old:OWNED_BY]->(previous:Team)
    WHERE n.owner IS NULL OR previous.name <> n.owner
    DELETE old
  }
  CALL (n) {
    MATCH (team:Team {name: n.owner})
    MERGE (n)-[:OWNED_BY]->(team)
  }
  RETURN collect({key: row.namespace + '/' + row.name, id: n.id}) AS dataset_ids
}
CALL () {
  // The snapshots events name (the `version` facet, or the dataset's unversioned snapshot).
  UNWIND $batch.dataset_versions AS row
  WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
  MATCH (dataset:Dataset {namespace: row.namespace, name: row.name})
  MERGE (n:DatasetVersion {namespace: row.namespace, name: row.name, version: row.version})
  ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
                n.updated_at = last_at, n.updated_by = $principal,
                n.dataset_id = dataset.id, n.quarantined = false
  SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
      n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
  MERGE (n)-[:VERSION_OF]->(dataset)
}
CALL () {
  // The models whose versions the lineagegraph_modelVersion facet carries, by name.
  UNWIND $batch.models AS row
  WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
  MERGE (n:Model {name: row.name})
  ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
                n.updated_at = last_at, n.updated_by = $principal
  SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
      n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
}
CALL () {
  UNWIND $batch.model_versions AS row
  WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
  MATCH (model:Model {name: row.model_name})
  MERGE (n:ModelVersion {model_name: row.model_name, version: row.version})
  ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
                n.updated_at = last_at, n.updated_by = $principal,
                n.model_id = model.id, n.quarantined = false, n.stage = 'DEVELOPMENT'
  SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
      n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
  MERGE (n)-[:VERSION_OF]->(model)
  WITH n, row, n.artifact_digest AS stored_digest
  SET n.artifact_digest = coalesce(n.artifact_digest, row.artifact_digest)
  WITH n, row, stored_digest
  CALL (n, row) {
    UNWIND row.facets AS facet
    WITH n, facet
    WHERE n[facet.time_key] IS NULL OR facet.at > n[facet.time_key]
       OR (facet.at = n[facet.time_key] AND facet.hash > n[facet.hash_key])
    SET n += facet.props
  }
  CALL (n) {
    WITH n WHERE NOT EXISTS { (n)-[:IN_STAGE]->(:Stage) }
    MERGE (stage:Stage {name: n.stage})
    ON CREATE SET stage.id = $stage_id
    CREATE (n)-[:IN_STAGE {since: n.created_at, by: $principal, initial: true}]->(stage)
  }
  CALL (n) {
    // The version may turn out to be older than first seen (events arrive in any order).
    MATCH (n)-[span:IN_STAGE {initial: true}]->(:Stage)
    WHERE span.since > n.created_at
    SET span.since = n.created_at
  }
  WITH row, stored_digest
  WHERE stored_digest IS NOT NULL AND row.artifact_digest IS NOT NULL AND stored_digest <> row.artifact_digest
  RETURN collect({model_name: row.model_name, version: row.version, stored_digest: stored_digest,
                  attempted: row.artifact_digest}) AS refused_digests
}
CALL () {
  UNWIND $batch.runs AS row
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
  RETURN collect(CASE WHEN n.job_namespace <> row.job_namespace OR n.job_name <> row.job_name
                      THEN {run_id: row.run_id, job_namespace: n.job_namespace, job_name: n.job_name} END) AS moved_runs,
         collect({key: row.run_id, id: n.id}) AS run_ids
}
CALL () {
  // Evaluation results, one per (model version, metric, dataset snapshot); the value is the latest event's.
  UNWIND $batch.evaluations AS row
  WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
  MATCH (mv:ModelVersion {model_name: row.model_name, version: row.version})
  MATCH (dv:DatasetVersion {namespace: row.dataset_namespace, name: row.dataset_name, version: row.dataset_version})
  MERGE (n:Evaluation {model_version_id: mv.id, metric: row.metric, dataset_version_id: dv.id})
  ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
                n.updated_at = last_at, n.updated_by = $principal
  SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
      n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
  MERGE (mv)-[:HAS_EVALUATION]->(n)
  MERGE (n)-[:MEASURED_ON]->(dv)
  WITH n, row
  CALL (n, row) {
    UNWIND row.facets AS facet
    WITH n, facet
    WHERE n[facet.time_key] IS NULL OR facet.at > n[facet.time_key]
       OR (facet.at = n[facet.time_key] AND facet.hash > n[facet.hash_key])
    SET n += facet.props
  }
}
CALL () {
  // Runs used these dataset snapshots.
  UNWIND $batch.used_dataset_versions AS row
  WITH row, datetime(row.at) AS at
  MATCH (r:Run {run_id: row.run_id})
  MATCH (x:DatasetVersion {namespace: row.namespace, name: row.name, version: row.version})
  MERGE (r)-[e:USED]->(x)
  ON CREATE SET e.created_at = at
  SET e.created_at = CASE WHEN at < e.created_at THEN at ELSE e.created_at END
}
CALL () {
  // Runs used these model versions (fine-tuning, distillation, scoring).
  UNWIND $batch.used_model_versions AS row
  WITH row, datetime(row.at) AS at
  MATCH (r:Run {run_id: row.run_id})
  MATCH (x:ModelVersion {model_name: row.model_name, version: row.version})
  MERGE (r)-[e:USED]->(x)
  ON CREATE SET e.created_at = at
  SET e.created_at = CASE WHEN at < e.created_at THEN at ELSE e.created_at END
}
CALL () {
  // Runs wrote these dataset snapshots.
  UNWIND $batch.generated_dataset_versions AS row
  WITH row, datetime(row.at) AS at
  MATCH (r:Run {run_id: row.run_id})
  MATCH (x:DatasetVersion {namespace: row.namespace, name: row.name, version: row.version})
  MERGE (x)-[e:WAS_GENERATED_BY]->(r)
  ON CREATE SET e.created_at = at
  SET e.created_at = CASE WHEN at < e.created_at THEN at ELSE e.created_at END
}
CALL () {
  // Runs produced these model versions.
  UNWIND $batch.generated_model_versions AS row
  WITH row, datetime(row.at) AS at
  MATCH (r:Run {run_id: row.run_id})
  MATCH (x:ModelVersion {model_name: row.model_name, version: row.version})
  MERGE (x)-[e:WAS_GENERATED_BY]->(r)
  ON CREATE SET e.created_at = at
  SET e.created_at = CASE WHEN at < e.created_at THEN at ELSE e.created_at END
}
CALL () {
  // Runs ran as part of a parent run (the parent facet: a task within a DAG run).
  UNWIND $batch.parent_runs AS row
  WITH row, datetime(row.at) AS at
  MATCH (r:Run {run_id: row.run_id})
  MATCH (parent:Run {run_id: row.parent_run_id})
  MERGE (r)-[e:PART_OF]->(parent)
  ON CREATE SET e.created_at = at
  SET e.created_at = CASE WHEN at < e.created_at THEN at ELSE e.created_at END
}
RETURN refused_digests, moved_runs, run_ids, job_ids, dataset_ids
