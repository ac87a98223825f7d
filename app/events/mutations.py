"""GraphQL mutations of change events out: register and delete webhook subscriptions; each answers
with a result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.core.access import Permission
from app.core.context import Info
from app.core.results import ForbiddenError, InvalidInputError, NotFoundError, answer
from app.events import service
from app.events.inputs import RegisterWebhookSubscriptionInput
from app.events.types import WebhookSubscription


@strawberry.type(description="What `registerWebhookSubscription` did.")
class WebhookSubscriptionRegistration:
    subscription: WebhookSubscription = strawberry.field(description="The subscription as it is now.")
    created: bool = strawberry.field(description="True when this call created it.")
    changed: bool = strawberry.field(description="False when it already was exactly this (then nothing changed).")


@strawberry.type(description="What `deleteWebhookSubscription` did.")
class WebhookSubscriptionDeleted:
    name: str = strawberry.field(description="The deleted subscription's name.")
    dropped_pending: int = strawberry.field(description="Deliveries it still had pending, now dropped.")


RegisterWebhookSubscriptionResult = Annotated[
    WebhookSubscriptionRegistration | InvalidInputError | ForbiddenError,
    strawberry.union("RegisterWebhookSubscriptionResult",
                     description="The registration, or why nothing was registered."),
]


DeleteWebhookSubscriptionResult = Annotated[
    WebhookSubscriptionDeleted | InvalidInputError | NotFoundError | ForbiddenError,
    strawberry.union("DeleteWebhookSubscriptionResult", description="The deletion, or why nothing was deleted."),
]


async def _registered(info: Info, input: RegisterWebhookSubscriptionInput) -> service.SubscriptionRegistered:
    registered = await service.register_subscription(
        info.context.db, info.context.actor(), name=input.name, url=input.url, event_types=input.event_types,
        secret=input.secret, description=input.description)
    rows = await service.list_subscriptions(info.context.db, name=registered.subscription["name"])
    return service.SubscriptionRegistered(subscription=rows[0] if rows else registered.subscription,
                                          created=registered.created, changed=registered.changed)


@strawberry.type
class EventsMutation:
    @strawberry.mutation(
        description="Send change events of these types to a URL, signed with a secret (Standard Webhooks); registering "
                    "the same name again updates it, and the same call again changes nothing. Admins only.",
        extensions=requires(Permission.MANAGE_ACCESS))
    async def register_webhook_subscription(
        self, info: Info,
        input: Annotated[RegisterWebhookSubscriptionInput, strawberry.argument(description="The subscription.")],
    ) -> RegisterWebhookSubscriptionResult:
        return await answer(_registered(info, input), lambda done: WebhookSubscriptionRegistration(
            subscription=WebhookSubscription.of(done.subscription), created=done.created, changed=done.changed))

    @strawberry.mutation(description="Stop sending to a subscription; what it still had pending is dropped. Admins only.",
                         extensions=requires(Permission.MANAGE_ACCESS))
    async def delete_webhook_subscription(
        self, info: Info, name: Annotated[str, strawberry.argument(description="Its name.")],
    ) -> DeleteWebhookSubscriptionResult:
        return await answer(service.delete_subscription(info.context.db, info.context.actor(), name=name),
                            lambda done: WebhookSubscriptionDeleted(name=done.name, dropped_pending=done.dropped_pending))
