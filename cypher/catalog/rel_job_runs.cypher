// The runs of each job, newest first (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:Job {id: id})<-[:INSTANCE_OF]-(r:Run)
RETURN id, 'Run' AS kind, r {.*} AS node
ORDER BY id, r.created_at DESC, r.id
