"""Webhook subscriptions: who is told about which changes, and what was told (README "Change events").

Admins (the manage_access permission) register a subscription by name — a URL, the event types it
wants (EVENT_TYPES in app/events/outbox.py) and the Standard Webhooks secret its deliveries are
signed with — and read back its queue and recent deliveries. The secret is write-only: stored to
sign with, never answered, never in the audit trail (which records only that it changed).
Registering is an idempotent upsert on the name, like every registration: the same call again
changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.core import validation as v
from app.core.actor import Actor
from app.core.db import Database, Tx
from app.core.errors import InvalidInput, NotFound
from app.events import repository
from app.events.outbox import EVENT_TYPES

# Bounds: subscriptions in all (each costs a look at every change), and a subscription's URL.
MAX_SUBSCRIPTIONS = 100
MAX_URL_LENGTH = 2_000
# Deliveries a subscription's `deliveries` field lists at most.
MAX_DELIVERIES_PAGE = 100
# A Standard Webhooks secret: `whsec_` + base64 of 24 to 64 random bytes.
SECRET_PREFIX = "whsec_"
SECRET_BYTES = (24, 64)
DELIVERY_STATUSES = ("PENDING", "DELIVERED")


@dataclass(frozen=True)
class SubscriptionRegistered:
    subscription: dict
    created: bool
    changed: bool


@dataclass(frozen=True)
class SubscriptionDeleted:
    name: str
    id: str
    dropped_pending: int


async def register_subscription(db: Database, actor: Actor, *, name: str, url: str, event_types: list[str],
                                secret: str | None = None, description: str | None = None) -> SubscriptionRegistered:
    """Create a subscription, or update the one with this name (the secret only when given)."""
    name = v.identifier("name", name)
    url = webhook_url("url", url)
    types = known_event_types("eventTypes", event_types)
    secret = None if secret is None else webhook_secret("secret", secret)
    description = v.description("description", description)

    async def work(tx: Tx) -> SubscriptionRegistered:
        row = await repository.upsert_subscription(tx, name=name, id=str(uuid.uuid4()), url=url, event_types=types,
                                                   secret=secret, description=description, now=actor.now,
                                                   principal=actor.principal)
        if row["created"] and not row["has_secret"]:
            raise InvalidInput("A new subscription needs a secret to sign its deliveries with "
                               f"({SECRET_PREFIX} + base64 of {SECRET_BYTES[0]} to {SECRET_BYTES[1]} random bytes).",
                               field="secret")
        if row["created"] and row["total"] > MAX_SUBSCRIPTIONS:
            raise InvalidInput(f"There are {MAX_SUBSCRIPTIONS} webhook subscriptions already, the most this registry "
                               "keeps; delete one first.", field="name")
        if row["changed"]:
            record_audit(tx, _audit_entry(actor, row, url, types, description))
        return SubscriptionRegistered(subscription=row["subscription"], created=row["created"], changed=row["changed"])

    return await db.write(work)


def _audit_entry(actor: Actor, row: dict, url: str, types: list[str], description: str | None) -> AuditEntry:
    """The registration's audit entry: the URL's origin only (a receiver's URL may carry a token of its
    own), the types, and whether the secret changed, never the secret."""
    subscription, previous = row["subscription"], row["previous"]
    before = {"created": row["created"], "changed": row["changed"]}
    if not row["created"]:
        before["fields"] = {"url": _origin(previous["url"]), "eventTypes": previous["event_types"]}
    after = {"name": subscription["name"], "url": _origin(url), "eventTypes": types,
             "secretChanged": row["secret_changed"]}
    if description is not None:
        after["description"] = description
    return AuditEntry(actor=actor.principal, action="registerWebhookSubscription", target_kind="WebhookSubscription",
                      target_key=subscription["name"], target_id=subscription["id"], before=before, after=after,
                      at=actor.now)


async def delete_subscription(db: Database, actor: Actor, *, name: str) -> SubscriptionDeleted:
    """Delete a subscription and whatever it still had to deliver."""
    name = v.identifier("name", name)

    async def work(tx: Tx) -> SubscriptionDeleted:
        row = await repository.delete_subscription(tx, name=name)
        if row is None:
            raise NotFound(f"No webhook subscription is named {name}.", kind="WebhookSubscription", key=name)
        record_audit(tx, AuditEntry(actor=actor.principal, action="deleteWebhookSubscription",
                                   target_kind="WebhookSubscription", target_key=name, target_id=row["id"],
                                   before={"pending": row["pending"]}, after=None, at=actor.now))
        return SubscriptionDeleted(name=name, id=row["id"], dropped_pending=row["pending"])

    return await db.write(work)


async def list_subscriptions(db: Database, *, name: str | None = None) -> list[dict]:
    """Subscriptions (all, or the one named) with their pending counts, by name; never their secrets."""
    if name is not None:
        name = v.identifier("name", name)
    rows = await db.read(repository.list_subscriptions, name=name)
    return [{**row["subscription"], "pending": row["pending"], "oldest_pending_at": row["oldest_pending_at"]}
            for row in rows]


async def recent_deliveries(db: Database, subscription_ids: list[str], *, status: str | None,
                            first: int) -> dict[str, list[dict]]:
    """The latest `first` deliveries of each subscription, newest event first, by subscription id."""
    status = v.one_of("status", status, DELIVERY_STATUSES)
    v.in_range("first", first, 1, MAX_DELIVERIES_PAGE)
    return await db.read(repository.recent_deliveries, subscription_ids=list(subscription_ids), status=status,
                         first=first)


# --- the rules for what a subscription holds ---------------------------------------------------------


def webhook_url(field: str, value: str) -> str:
    """An absolute http(s) URL with a host, without credentials or a fragment, at most 2,000 characters."""
    if not value or len(value) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in value):
        raise InvalidInput(f"{field} must be an http:// or https:// URL of at most {MAX_URL_LENGTH} characters "
                           "without spaces.", field=field)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError on a port that is not a number
    except ValueError:
        raise InvalidInput(f"{field} is not a URL.", field=field) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{field} must be an http:// or https:// URL with a host, e.g. "
                           "https://hooks.example.com/lineagegraph.", field=field)
    if parts.username is not None or parts.password is not None:
        raise InvalidInput(f"{field} must not carry credentials (user:password@); receivers verify the "
                           "signature instead.", field=field)
    if parts.fragment:
        raise InvalidInput(f"{field} must not have a #fragment (it is never sent).", field=field)
    return value


def known_event_types(field: str, values: list[str]) -> list[str]:
    """One or more of the event types EVENT_TYPES lists, each once; returned sorted."""
    values = v.bounded_list(field, values, max_items=len(EVENT_TYPES))
    if not values:
        raise InvalidInput(f"{field} must name at least one event type: {', '.join(EVENT_TYPES)}.", field=field)
    for index, value in enumerate(values):
        if value not in EVENT_TYPES:
            raise InvalidInput(f"{field}[{index}]: {str(value)[:200]!r} is not an event type of this registry; "
                               f"the types are {', '.join(EVENT_TYPES)}.", field=f"{field}[{index}]")
    return sorted(set(values))


def webhook_secret(field: str, value: str) -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 24 to 64 bytes. The message never quotes it."""
    low, high = SECRET_BYTES
    rule = f"{field} must be {SECRET_PREFIX} followed by the base64 of {low} to {high} random bytes"
    if not value.startswith(SECRET_PREFIX) or len(value) > 200:
        raise InvalidInput(rule + ".", field=field)
    try:
        key = base64.b64decode(value[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(rule + " (this is not base64).", field=field) from None
    if not low <= len(key) <= high:
        raise InvalidInput(rule + f" (this one decodes to {len(key)}).", field=field)
    return value


def _origin(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
