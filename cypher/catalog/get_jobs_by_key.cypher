// The Job nodes with these natural keys (namespace, name), batched; keys not found are absent.
// params: keys
UNWIND $keys AS key
MATCH (n:Job {namespace: key.namespace, name: key.name})
RETURN key, n {.*} AS node
