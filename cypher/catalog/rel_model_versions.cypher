// The versions of each model, newest first (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:Model {id: id})<-[:VERSION_OF]-(v:ModelVersion)
RETURN id, 'ModelVersion' AS kind, v {.*} AS node
ORDER BY id, v.created_at DESC, v.id
