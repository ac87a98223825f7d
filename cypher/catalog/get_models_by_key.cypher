// The Model nodes with these natural keys (name), batched; keys not found are absent.
// params: keys
UNWIND $keys AS key
MATCH (n:Model {name: key.name})
RETURN key, n {.*} AS node
