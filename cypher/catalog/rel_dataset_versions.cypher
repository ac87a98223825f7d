// The versions of each dataset, newest first (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:Dataset {id: id})<-[:VERSION_OF]-(v:DatasetVersion)
RETURN id, 'DatasetVersion' AS kind, v {.*} AS node
ORDER BY id, v.created_at DESC, v.id
