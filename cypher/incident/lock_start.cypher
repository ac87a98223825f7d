// Write-locks the node a quarantine starts from (a dataset version, a model version, or the dataset
// whose versions a window selects), so that identical quarantines sent at once queue here and each
// later one finds the incident the first opened. Sets and removes a marker: the lock is taken,
// nothing is changed. No row when the node does not exist.
// params: start_id
CALL () {
  MATCH (s:DatasetVersion {id: $start_id}) RETURN s
  UNION
  MATCH (s:Dataset {id: $start_id}) RETURN s
  UNION
  MATCH (s:ModelVersion {id: $start_id}) RETURN s
}
SET s._incident_lock = true
REMOVE s._incident_lock
RETURN s.id AS id
