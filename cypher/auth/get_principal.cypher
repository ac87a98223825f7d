// A principal with its roles and teams; no row when unknown.
// params: name
MATCH (p:Principal {name: $name})
RETURN p.name AS name, p.roles AS roles, COLLECT { MATCH (p)-[:MEMBER_OF]->(team:Team) RETURN team.name } AS teams
