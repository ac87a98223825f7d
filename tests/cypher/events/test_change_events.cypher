// Every change event in the outbox, in commit order (tests check what was queued).
MATCH (ev:ChangeEvent)
RETURN ev {.*} AS event
ORDER BY ev.seq
