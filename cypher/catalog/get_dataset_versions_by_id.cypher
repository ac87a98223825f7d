// The DatasetVersion nodes with these ids (batched for DataLoaders); ids not found are absent.
// params: ids
UNWIND $ids AS id
MATCH (n:DatasetVersion {id: id})
RETURN id, n {.*} AS node
