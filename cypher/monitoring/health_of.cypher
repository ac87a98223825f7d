// The health of deployments and model versions, by id: how many signals were ever recorded on each,
// how many fire by severity, and its `recent` newest signals (by start, then recording). One row
// per request, also for an id with no signal (zero counts).
// Only the newest $most signals of a target are sorted and read (a top-k, not its whole history,
// which grows with every alert); each request keeps its own `recent` of them.
// params: requests, most
UNWIND $requests AS r
CALL (r) {
  OPTIONAL MATCH (f:HealthSignal {target_id: r.id, status: 'firing'})
  RETURN count(f) AS firing, count(CASE WHEN f.severity = 'critical' THEN 1 END) AS critical,
         count(CASE WHEN f.severity = 'warning' THEN 1 END) AS warning
}
CALL (r) {
  // Every signal has a status: said, so that the (target_id, status) index answers this one too.
  OPTIONAL MATCH (s:HealthSignal {target_id: r.id}) WHERE s.status IS NOT NULL
  RETURN count(s) AS total
}
CALL (r) {
  MATCH (s:HealthSignal {target_id: r.id}) WHERE s.status IS NOT NULL
  WITH s ORDER BY s.starts_at DESC, s.recorded_at DESC, s.id
  LIMIT $most
  RETURN collect(s {.*}) AS signals
}
WITH r, firing, critical, warning, total, signals[0..r.recent] AS recent
RETURN r.key AS key, total, firing, critical, warning, recent
