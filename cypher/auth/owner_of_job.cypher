// The team owning this job (writes to it are scoped to that team); no row when it does not exist.
// params: namespace, name
MATCH (n:Job {namespace: $namespace, name: $name})
RETURN n.owner AS owner
