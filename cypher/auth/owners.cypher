// The team scope of a write (app/auth/scope.py): for every key a write names, whether the record
// exists and which team owns it — a dataset version by its dataset's owner, a run by its job's, a
// model version by its model's. One row of lists, one entry per key given, in order: null for a
// key that matches nothing (nobody owns what does not exist yet). Read inside the write transaction it authorizes.
// params: datasets, dataset_versions, jobs, runs, models, model_versions
RETURN
  [key IN $datasets WHERE key IS NOT NULL |
     head(COLLECT { MATCH (n:Dataset {namespace: key.namespace, name: key.name})
                    RETURN {namespace: n.namespace, name: n.name, owner: n.owner} })] AS datasets,
  [key IN $dataset_versions WHERE key IS NOT NULL |
     head(COLLECT { MATCH (n:DatasetVersion {namespace: key.namespace, name: key.name, version: key.version})
                    OPTIONAL MATCH (dataset:Dataset {namespace: n.namespace, name: n.name})
                    RETURN {namespace: n.namespace, name: n.name, version: n.version, owner: dataset.owner} })]
    AS dataset_versions,
  [key IN $jobs WHERE key IS NOT NULL |
     head(COLLECT { MATCH (n:Job {namespace: key.namespace, name: key.name})
                    RETURN {namespace: n.namespace, name: n.name, owner: n.owner} })] AS jobs,
  [key IN $runs WHERE key IS NOT NULL |
     head(COLLECT { MATCH (n:Run {run_id: key.run_id})
                    OPTIONAL MATCH (n)-[:INSTANCE_OF]->(job:Job)
                    RETURN {run_id: n.run_id, owner: job.owner} })] AS runs,
  [key IN $models WHERE key IS NOT NULL |
     head(COLLECT { MATCH (n:Model {name: key.name}) RETURN {name: n.name, owner: n.owner} })] AS models,
  [key IN $model_versions WHERE key IS NOT NULL |
     head(COLLECT { MATCH (n:ModelVersion {model_name: key.model_name, version: key.version})
                    OPTIONAL MATCH (model:Model {name: n.model_name})
                    RETURN {model_name: n.model_name, version: n.version, owner: model.owner} })]
    AS model_versions
