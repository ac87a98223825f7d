// The run that produced each model version (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:ModelVersion {id: id})-[:WAS_GENERATED_BY]->(r:Run)
RETURN id, 'Run' AS kind, r {.*} AS node
ORDER BY id, r.created_at
