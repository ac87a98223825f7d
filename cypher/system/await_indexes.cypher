// Waits until every index is online, so the first queries after start-up use them.
// params: timeout_seconds
CALL db.awaitIndexes($timeout_seconds)
