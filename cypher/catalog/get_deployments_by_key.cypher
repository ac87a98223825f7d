// The Deployment nodes with these natural keys (environment, name), batched; keys not found are absent.
// params: keys
UNWIND $keys AS key
MATCH (n:Deployment {environment: key.environment, name: key.name})
RETURN key, n {.*} AS node
