// The ModelVersion nodes with these natural keys (model_name, version), batched; keys not found are absent.
// params: keys
UNWIND $keys AS key
MATCH (n:ModelVersion {model_name: key.model_name, version: key.version})
RETURN key, n {.*} AS node
