// The DatasetVersion nodes with these natural keys (namespace, name, version), batched; keys not found are absent.
// params: keys
UNWIND $keys AS key
MATCH (n:DatasetVersion {namespace: key.namespace, name: key.name, version: key.version})
RETURN key, n {.*} AS node
