// The model version each deployment serves now (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:Deployment {id: id})-[s:SERVES WHERE s.until IS NULL]->(mv:ModelVersion)
RETURN id, 'ModelVersion' AS kind, mv {.*} AS node
