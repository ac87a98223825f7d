// Registers a webhook subscription by name, or updates what the call gives (a null secret keeps the
// stored one); returns it without its secret, whether it was created or changed, the values this call
// replaced (for the audit trail, never the secret: only whether it changed), and how many
// subscriptions exist now.
// params: name, id, url, event_types, secret, description, now, principal
MERGE (s:WebhookSubscription {name: $name})
ON CREATE SET s.id = $id, s.created_at = $now, s.created_by = $principal
WITH s, s.id = $id AS created,
     s.url AS old_url, s.event_types AS old_types, s.description AS old_description,
     $secret IS NOT NULL AND coalesce(s.secret, '') <> $secret AS secret_changed
WITH s, created, old_url, old_types, old_description, secret_changed,
     created OR old_url <> $url OR old_types <> $event_types OR secret_changed
       OR ($description IS NOT NULL AND coalesce(old_description, '') <> $description) AS changed
CALL (s, changed) {
  WITH s WHERE changed
  SET s.url = $url, s.event_types = $event_types, s.secret = coalesce($secret, s.secret),
      s.description = coalesce($description, s.description), s.updated_at = $now, s.updated_by = $principal
}
RETURN s {.*, secret: null} AS subscription, s.secret IS NOT NULL AS has_secret, created, changed,
       secret_changed, {url: old_url, event_types: old_types, description: old_description} AS previous,
       count { MATCH (:WebhookSubscription) } AS total
