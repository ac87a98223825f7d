// Bulk import: which of these ids a catalog node holds already (an import into a non-empty
// registry may not reuse one: undoing it deletes its nodes by id). Returns the ids found.
// params: ids
UNWIND $ids AS id
CALL (id) {
  MATCH (n:Team {id: id}) RETURN n
  UNION
  MATCH (n:Dataset {id: id}) RETURN n
  UNION
  MATCH (n:DatasetVersion {id: id}) RETURN n
  UNION
  MATCH (n:Feature {id: id}) RETURN n
  UNION
  MATCH (n:Job {id: id}) RETURN n
  UNION
  MATCH (n:Run {id: id}) RETURN n
  UNION
  MATCH (n:Model {id: id}) RETURN n
  UNION
  MATCH (n:ModelVersion {id: id}) RETURN n
  UNION
  MATCH (n:Deployment {id: id}) RETURN n
}
RETURN n.id AS id
