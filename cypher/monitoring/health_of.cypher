// The health of deployments and model versions, by id: how many signals were ever recorded on each,
// how many fire by severity, and its `recent` newest signals (by start, then recording). One row
// per request, also for an id with no signal (zero counts).
// params: requests
UNWIND $requests AS r
CALL (r) {
  OPTIONAL MATCH (f:HealthSignal {target_id: r.id, status: 'firing'})
  RETURN count(f) AS firing, count(CASE WHEN f.severity = 'critical' THEN 1 END) AS critical,
         count(CASE WHEN f.severity = 'warning' THEN 1 END) AS warning
}
CALL (r) {
  // Every signal has a status: said, so that the (target_id, status) index answers this one too.
  OPTIONAL MATCH (s:HealthSignal {target_id: r.id}) WHERE s.status IS NOT NULL
  WITH s ORDER BY s.starts_at DESC, s.recorded_at DESC, s.id
  RETURN count(s) AS total, collect(s {.*}) AS signals
}
WITH r, firing, critical, warning, total, signals[0..r.recent] AS recent
RETURN r.key AS key, total, firing, critical, warning, recent
