// What each run produced: dataset versions and model versions (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:Run {id: id})<-[:WAS_GENERATED_BY]-(x)
RETURN id, labels(x)[0] AS kind, x {.*} AS node
ORDER BY id, kind, x.id
