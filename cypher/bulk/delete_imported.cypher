// Bulk import, undone: deletes the catalog nodes with these ids and their edges (the ones an import
// created before it failed; no other node holds them, existing_ids checked). Returns how many it deleted.
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
DETACH DELETE n
RETURN count(*) AS deleted
