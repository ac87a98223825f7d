"""GraphQL inputs of change events out: a webhook subscription to register."""

from __future__ import annotations

import strawberry


@strawberry.input(description="Where to send which change events, and the secret to sign them with.")
class RegisterWebhookSubscriptionInput:
    name: str = strawberry.field(description="Its name: registering the same name again updates it.")
    url: str = strawberry.field(description="An http:// or https:// URL each event is POSTed to (no credentials in it).")
    event_types: list[str] = strawberry.field(
        description="The event types to send, e.g. `dev.lineagegraph.deployment.switched` (see `changeEventTypes`); "
                    "an unknown one is refused.")
    secret: str | None = strawberry.field(
        default=None,
        description="The Standard Webhooks secret: `whsec_` + base64 of 24 to 64 random bytes. Required for a new "
                    "subscription; left out, an existing one keeps its secret. Never shown again.")
    description: str | None = strawberry.field(default=None, description="What it is for.")
