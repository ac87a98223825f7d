// Records that the run used these features; idempotent. Returns how many references matched a node.
// params: run_id, refs
MATCH (r:Run {run_id: $run_id})
UNWIND $refs AS ref
MATCH (x:Feature {group: ref.group, name: ref.name})
MERGE (r)-[:USED]->(x)
RETURN count(x) AS linked
