"""GraphQL types of change events out: webhook subscriptions (never their secrets), their deliveries,
and the event types there are."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry
from neo4j.time import DateTime as Neo4jDateTime

from app.core.context import Info
from app.events import service


@strawberry.enum(description="Where a delivery stands: PENDING until the receiver answers 2xx, then DELIVERED.")
class WebhookDeliveryStatus(enum.Enum):
    PENDING = strawberry.enum_value("PENDING", description="Not yet answered 2xx: tried again after a backoff.")
    DELIVERED = strawberry.enum_value("DELIVERED", description="The receiver answered 2xx.")


def _native(value):
    return value.to_native() if isinstance(value, Neo4jDateTime) else value


@strawberry.type(description="A change event type a subscription may ask for (the CloudEvents `type`).")
class ChangeEventType:
    type: str = strawberry.field(description="E.g. `dev.lineagegraph.deployment.switched`.")
    description: str = strawberry.field(description="What emits it.")


@strawberry.type(description="The last failed attempt to deliver to a subscription.")
class WebhookFailure:
    at: datetime = strawberry.field(description="When the attempt was made.")
    message: str = strawberry.field(description="What went wrong: `HTTP 503`, `ConnectError: …`, `no answer within 10 s`.")
    status_code: int | None = strawberry.field(description="The HTTP status the receiver answered; null when none.")


@strawberry.type(description="One change event on its way to one subscription.")
class WebhookDelivery:
    event_id: str = strawberry.field(description="The CloudEvent's id, sent as `webhook-id` (the same on every attempt).")
    type: str = strawberry.field(description="The CloudEvent's type.")
    subject: str = strawberry.field(description="The entity it is about, `<kind>/<natural key>`; events of one "
                                                "subject are delivered in order.")
    seq: int = strawberry.field(description="Its audit entry's seq (`auditseq`): commit order.")
    status: WebhookDeliveryStatus = strawberry.field(description="PENDING or DELIVERED.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    created_at: datetime = strawberry.field(description="When the change was committed and the delivery queued.")
    last_attempt_at: datetime | None = strawberry.field(description="When it was last sent; null before the first try.")
    last_status_code: int | None = strawberry.field(description="The HTTP status of the last attempt; null when none came.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed; null when it succeeded or none was made.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is tried next (PENDING; later events of its subject wait behind it); null once delivered.")
    delivered_at: datetime | None = strawberry.field(description="When the receiver answered 2xx; null while pending.")

    @classmethod
    def of(cls, node: dict) -> WebhookDelivery:
        return cls(event_id=node["event_id"], type=node["type"], subject=node["subject"], seq=node["seq"],
                   status=WebhookDeliveryStatus(node["status"]), attempts=node.get("attempts") or 0,
                   created_at=_native(node["created_at"]), last_attempt_at=_native(node.get("last_attempt_at")),
                   last_status_code=node.get("last_status_code"), last_error=node.get("last_error"),
                   next_attempt_at=_native(node.get("next_attempt_at")),
                   delivered_at=_native(node.get("delivered_at")))


@strawberry.type(description="Where the registry sends change events, signed (Standard Webhooks), and how that goes. "
                             "The secret is never shown.")
class WebhookSubscription:
    id: str = strawberry.field(description="The subscription's id.")
    name: str = strawberry.field(description="Its name (the key it is registered and deleted by).")
    url: str = strawberry.field(description="Where each event is POSTed.")
    event_types: list[str] = strawberry.field(description="The event types it receives.")
    description: str | None = strawberry.field(description="What it is for.")
    created_at: datetime = strawberry.field(description="When it was registered.")
    created_by: str = strawberry.field(description="Who registered it.")
    updated_at: datetime | None = strawberry.field(description="When it was last changed.")
    updated_by: str | None = strawberry.field(description="Who last changed it.")
    pending_count: int = strawberry.field(description="Deliveries not yet answered 2xx.")
    oldest_pending_at: datetime | None = strawberry.field(
        description="When the oldest of them was queued; null when none is pending.")
    last_attempt_at: datetime | None = strawberry.field(description="When a delivery to it was last attempted.")
    last_delivered_at: datetime | None = strawberry.field(description="When a delivery last succeeded.")
    last_error: WebhookFailure | None = strawberry.field(
        description="The last failed attempt (kept after later successes: compare with lastDeliveredAt).")

    @classmethod
    def of(cls, row: dict) -> WebhookSubscription:
        failure = None
        if row.get("last_error_at") is not None:
            failure = WebhookFailure(at=_native(row["last_error_at"]), message=row.get("last_error") or "",
                                     status_code=row.get("last_error_status_code"))
        return cls(id=row["id"], name=row["name"], url=row["url"], event_types=list(row["event_types"]),
                   description=row.get("description"), created_at=_native(row["created_at"]),
                   created_by=row["created_by"], updated_at=_native(row.get("updated_at")),
                   updated_by=row.get("updated_by"), pending_count=row.get("pending", 0),
                   oldest_pending_at=_native(row.get("oldest_pending_at")),
                   last_attempt_at=_native(row.get("last_attempt_at")),
                   last_delivered_at=_native(row.get("last_delivered_at")), last_error=failure)

    @strawberry.field(description="Its latest deliveries, newest event first.")
    async def deliveries(
        self, info: Info,
        status: Annotated[WebhookDeliveryStatus | None, strawberry.argument(description="Only these.")] = None,
        first: Annotated[int, strawberry.argument(description="How many, at most 100.")] = 20,
    ) -> list[WebhookDelivery]:
        status_value = None if status is None else status.value

        async def load(ids: list[str]) -> list[list[dict]]:
            found = await service.recent_deliveries(info.context.db, ids, status=status_value, first=first)
            return [found.get(subscription_id, []) for subscription_id in ids]

        loader = info.context.loaders.batched(("webhook_deliveries", status_value, first), load)
        return [WebhookDelivery.of(node) for node in await loader.load(self.id)]
