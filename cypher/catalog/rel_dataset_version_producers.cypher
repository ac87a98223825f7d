// The run that wrote each dataset version (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:DatasetVersion {id: id})-[:WAS_GENERATED_BY]->(r:Run)
RETURN id, 'Run' AS kind, r {.*} AS node
ORDER BY id, r.created_at
