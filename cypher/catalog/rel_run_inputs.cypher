// What each run used: dataset versions, features, model versions (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:Run {id: id})-[:USED]->(x)
RETURN id, labels(x)[0] AS kind, x {.*} AS node
ORDER BY id, kind, x.id
