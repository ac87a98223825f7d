// The deployments currently serving each model version (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:ModelVersion {id: id})<-[s:SERVES WHERE s.until IS NULL]-(d:Deployment)
RETURN id, 'Deployment' AS kind, d {.*} AS node
ORDER BY id, d.environment, d.name
