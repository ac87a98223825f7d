// The stage history of each model version, oldest first (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:ModelVersion {id: id})-[span:IN_STAGE]->(stage:Stage)
RETURN id, 'StageSpan' AS kind, {stage: stage.name, since: span.since, until: span.until, by: span.by} AS node
ORDER BY id, span.since
