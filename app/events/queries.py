"""GraphQL queries of change events out: the event types, and (admins) the webhook subscriptions."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.core.access import Permission
from app.core.context import Info
from app.events import service
from app.events.outbox import EVENT_TYPES
from app.events.types import ChangeEventType, WebhookSubscription


@strawberry.type
class EventsQuery:
    @strawberry.field(description="Every change event type a webhook subscription may ask for.")
    def change_event_types(self) -> list[ChangeEventType]:
        return [ChangeEventType(type=type_, description=text) for type_, text in EVENT_TYPES.items()]

    @strawberry.field(description="Webhook subscriptions by name, with their queues and recent deliveries (never their "
                                  "secrets). Admins only.",
                      extensions=requires(Permission.MANAGE_ACCESS))
    async def webhook_subscriptions(self, info: Info) -> list[WebhookSubscription]:
        return [WebhookSubscription.of(row) for row in await service.list_subscriptions(info.context.db)]

    @strawberry.field(description="One webhook subscription by name; null when there is none. Admins only.",
                      extensions=requires(Permission.MANAGE_ACCESS))
    async def webhook_subscription(
        self, info: Info, name: Annotated[str, strawberry.argument(description="Its name.")],
    ) -> WebhookSubscription | None:
        rows = await service.list_subscriptions(info.context.db, name=name)
        return WebhookSubscription.of(rows[0]) if rows else None
