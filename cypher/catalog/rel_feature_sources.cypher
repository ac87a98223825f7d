// The datasets and dataset versions each feature is derived from (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:Feature {id: id})-[:WAS_DERIVED_FROM]->(x)
RETURN id, labels(x)[0] AS kind, x {.*} AS node
ORDER BY id, kind, x.id
