// The Run nodes with these natural keys (run_id), batched; keys not found are absent.
// params: keys
UNWIND $keys AS key
MATCH (n:Run {run_id: key.run_id})
RETURN key, n {.*} AS node
