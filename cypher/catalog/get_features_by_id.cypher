// The Feature nodes with these ids (batched for DataLoaders); ids not found are absent.
// params: ids
UNWIND $ids AS id
MATCH (n:Feature {id: id})
RETURN id, n {.*} AS node
