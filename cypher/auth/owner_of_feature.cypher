// The team owning this feature (writes to it are scoped to that team); no row when it does not exist.
// params: group, name
MATCH (n:Feature {group: $group, name: $name})
RETURN n.owner AS owner
