// Records that the feature is computed from these dataset versions; idempotent. Returns how many references matched a node.
// params: group, name, refs
MATCH (f:Feature {group: $group, name: $name})
UNWIND $refs AS ref
MATCH (x:DatasetVersion {namespace: ref.namespace, name: ref.name, version: ref.version})
MERGE (f)-[:WAS_DERIVED_FROM]->(x)
RETURN count(x) AS linked
