// The team owning this model (writes to it are scoped to that team); no row when it does not exist.
// params: name
MATCH (n:Model {name: $name})
RETURN n.owner AS owner
