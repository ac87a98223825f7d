// The Feature nodes with these natural keys (group, name), batched; keys not found are absent.
// params: keys
UNWIND $keys AS key
MATCH (n:Feature {group: key.group, name: key.name})
RETURN key, n {.*} AS node
