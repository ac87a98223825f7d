// Bulk import: how many catalog nodes the registry holds already (an import refuses a registry
// that holds any, unless told). Bookkeeping (tokens, principals, the audit chain, migrations) is
// not catalog content.
CALL () { MATCH (n:Team) RETURN count(n) AS teams }
CALL () { MATCH (n:Dataset) RETURN count(n) AS datasets }
CALL () { MATCH (n:Job) RETURN count(n) AS jobs }
CALL () { MATCH (n:Model) RETURN count(n) AS models }
CALL () { MATCH (n:Deployment) RETURN count(n) AS deployments }
CALL () { MATCH (n:Feature) RETURN count(n) AS features }
RETURN teams + datasets + jobs + models + deployments + features AS nodes
