// The model versions each model version was derived (fine-tuned) from (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:ModelVersion {id: id})-[:WAS_DERIVED_FROM]->(p:ModelVersion)
RETURN id, 'ModelVersion' AS kind, p {.*} AS node
ORDER BY id, p.id
