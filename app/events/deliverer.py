"""The webhook deliverer: sends what the outbox holds, signed, and retries until each is delivered.

One per service process, started and stopped with the app (app/http/app.py lifespan). Its loop:

1. **acknowledge** what its sends answered — one short write transaction for all of them: a 2xx
   answer makes a delivery DELIVERED; anything else (another status, a refused connection, a
   timeout) keeps it PENDING with its next attempt after an exponential, capped, jittered backoff;
2. **claim** what may be sent now — one short write transaction that write-locks each subscription
   with something due, takes the oldest undelivered delivery of each subject when its attempt is
   due, and leases it to this process (`lease` seconds, longer than a send may take);
3. **send** each claimed delivery over HTTP, concurrently, outside any transaction.

What that guarantees: **at least once** — a delivery stays PENDING until a 2xx is recorded, so a
crash between a send and its acknowledgement (or a lost acknowledgement) sends it again once the
lease runs out, with the same `webhook-id` for the receiver to recognise. **In order per subject and
subscription** — the next event of a subject is claimed only once the previous one is DELIVERED, and
only one of a subject's deliveries is ever leased at a time, so the first receipt of each event
follows the subject's commit order (a resent duplicate may arrive after it). Several processes
share the work: claims queue on the subscription's lock and leases keep one delivery with one
process, so nothing is sent twice while a lease holds. Retries never give up: a receiver that is
down for a day gets everything, in order, when it returns (delete the subscription to drop its queue).

Signing follows Standard Webhooks with its reference library (`standardwebhooks`): `webhook-id` (the
CloudEvent's id), `webhook-timestamp` (the attempt's time, Unix seconds) and `webhook-signature`
(`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from standardwebhooks.webhooks import Webhook

from app.core.config import Settings
from app.core.db import Database
from app.core.errors import QueryTimeout, Unavailable
from app.events import repository

log = logging.getLogger("app.events.deliverer")

CONTENT_TYPE = "application/cloudevents+json"
USER_AGENT = "lineagegraph-webhooks/1"
# Pending deliveries of one subscription a claim looks at (by event order): a bounded read however
# long the queue of a receiver that was down grew.
CLAIM_SCAN = 2_000
# Delivered deliveries removed per pruning transaction, and how often the deliverer prunes.
PRUNE_BATCH = 1_000
PRUNE_EVERY_SECONDS = 300.0
# An error message recorded for a failed attempt is cut to this length.
MAX_ERROR_TEXT = 500
# Waiting between claims while the database is unreachable: doubling from the poll interval to this.
MAX_OUTAGE_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class DeliveryOptions:
    """The deliverer's timings and bounds (README "Configuration", LINEAGEGRAPH_WEBHOOK_*)."""

    poll_interval: float = 1.0        # seconds between claims when nothing wakes the loop
    timeout: float = 10.0             # seconds one send may take, connection to answer
    retry_base: float = 1.0           # the first retry's delay; doubling with each failed attempt …
    retry_max: float = 600.0          # … up to this
    concurrency: int = 8              # sends in flight at once in this process
    per_subscription: int = 4         # of which to one subscription (one stuck receiver holds no more)
    retention: timedelta = timedelta(days=7)  # how long delivered deliveries stay visible

    @classmethod
    def of(cls, settings: Settings) -> DeliveryOptions:
        return cls(poll_interval=settings.webhook_poll_interval, timeout=settings.webhook_timeout,
                   retry_base=settings.webhook_retry_base, retry_max=settings.webhook_retry_max,
                   concurrency=settings.webhook_concurrency,
                   per_subscription=max(1, settings.webhook_concurrency // 2),
                   retention=timedelta(hours=settings.webhook_retention_hours))

    @property
    def lease(self) -> timedelta:
        """How long a claim holds a delivery: longer than any send, so a live process keeps it."""
        return timedelta(seconds=self.timeout + 30.0)


def retry_delay(attempts: int, options: DeliveryOptions, *, rng: random.Random | None = None) -> float:
    """Seconds before the next attempt after `attempts` failed ones: retry_base doubling with each,
    capped at retry_max, then jittered down by up to half (so receivers coming back are not hit by
    every sender at once)."""
    capped = min(options.retry_max, options.retry_base * 2 ** min(max(attempts - 1, 0), 40))
    return capped * (rng or random).uniform(0.5, 1.0)


def signed_headers(secret: str, event_id: str, body: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt."""
    at = at.astimezone(UTC)
    return {"content-type": CONTENT_TYPE, "user-agent": USER_AGENT, "webhook-id": event_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(event_id, at, body)}


class Deliverer:
    """The process's webhook sender; `start()` in the app's lifespan, `stop()` on shutdown."""

    def __init__(self, db: Database, options: DeliveryOptions, *, transport: httpx.AsyncBaseTransport | None = None):
        self.db = db
        self.options = options
        # Whose lease a claim is: this process, distinguishable in the graph.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self._sending: dict[str, tuple[str, asyncio.Task]] = {}  # delivery id -> (subscription id, its send)
        self._answered: list[dict] = []  # attempts made, not yet acknowledged in the graph
        self._next_prune = 0.0
        self._outage_wait = 0.0
        # Figures for tests and logs.
        self.sent = 0
        self.delivered = 0

    def start(self) -> None:
        if self._task is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.options.timeout), follow_redirects=False,
                                             transport=self._transport)
            # A fresh context: the loop acts for the registry, never as the request that started it.
            self._task = asyncio.create_task(self._run(), name="webhook-deliverer", context=contextvars.Context())

    def wake(self) -> None:
        """Claim again now rather than at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop sending: sends in flight are cancelled, what was answered is acknowledged and the leases
        of what was not are given back (a second or two at most), so nothing waits for a lease."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        unsent = [delivery_id for delivery_id, (_, task) in self._sending.items() if not task.done()]
        for _, task in self._sending.values():
            task.cancel()
        await asyncio.gather(*(task for _, task in self._sending.values()), return_exceptions=True)
        self._sending.clear()
        try:
            async with asyncio.timeout(2.0):
                await self._acknowledge()
                unsent = [delivery_id for delivery_id in unsent
                          if not any(result["id"] == delivery_id for result in self._answered)]
                if unsent:
                    await self.db.write(repository.release_claims, ids=unsent, owner=self.owner)
        except (TimeoutError, Unavailable, QueryTimeout):
            log.warning("webhook deliveries not acknowledged at shutdown; they are sent again once their lease "
                        "runs out", extra={"deliveries": len(self._answered) + len(unsent)})
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _run(self) -> None:
        while True:
            try:
                await self._acknowledge()
                await self._claim()
                await self._prune()
                if self._outage_wait:
                    log.info("webhook deliveries resumed: the graph database answers again")
                self._outage_wait = 0.0
            except (Unavailable, QueryTimeout):
                if not self._outage_wait:
                    log.warning("webhook deliveries wait: the graph database cannot be reached")
                self._outage_wait = min(MAX_OUTAGE_WAIT_SECONDS, max(self.options.poll_interval, self._outage_wait * 2))
            except Exception:  # unexpected: logged with its cause; the loop goes on
                log.exception("webhook delivery loop failed; trying again")
                self._outage_wait = max(self.options.poll_interval, 1.0)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._outage_wait or self.options.poll_interval):
                    await self._wake.wait()

    async def _acknowledge(self) -> None:
        """Record every answered attempt in one transaction (kept to try again when it fails)."""
        if not self._answered:
            return
        results = list(self._answered)
        await self.db.write(repository.record_attempts, results=results, owner=self.owner)
        del self._answered[:len(results)]

    async def _claim(self) -> None:
        """Lease what may be sent now, within the free slots, and start sending it."""
        free = self.options.concurrency - len(self._sending)
        if free <= 0:
            return
        # A delivery answered but not yet acknowledged is still PENDING under this process's lease in the
        # graph, so its subject's next event is not claimed before the acknowledgement: order holds.
        busy: dict[str, int] = {}
        for subscription_id, _ in self._sending.values():
            busy[subscription_id] = busy.get(subscription_id, 0) + 1
        room = {sid: max(0, self.options.per_subscription - count) for sid, count in busy.items()}
        now = datetime.now(UTC)
        claimed = await self.db.write(repository.claim_deliveries, now=now, owner=self.owner,
                                      lease_until=now + self.options.lease, room=room,
                                      per_subscription=self.options.per_subscription, scan=CLAIM_SCAN, limit=free)
        for delivery in claimed:
            task = asyncio.create_task(self._send(delivery), name=f"webhook-send-{delivery['id']}")
            self._sending[delivery["id"]] = (delivery["subscription_id"], task)

    async def _send(self, delivery: dict) -> None:
        """One attempt: POST the event, signed; its answer is queued for acknowledgement."""
        at = datetime.now(UTC)
        status_code, error = None, None
        try:
            headers = signed_headers(delivery["secret"], delivery["event_id"], delivery["body"], at)
            # Bounded as a whole: httpx's timeout is per phase, and an answer may trickle in.
            async with asyncio.timeout(self.options.timeout + 1.0):
                async with self._client.stream("POST", delivery["url"], content=delivery["body"].encode("utf-8"),
                                               headers=headers) as response:
                    status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except TimeoutError:
            error = f"no answer within {self.options.timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except Exception as exc:  # a bad secret or URL stored by hand: recorded, retried, never fatal
            error = f"{type(exc).__name__}: {exc}"
        delivered = error is None
        self.sent += 1
        self.delivered += delivered
        self._answered.append({
            "id": delivery["id"], "at": at, "delivered": delivered, "status_code": status_code,
            "error": None if error is None else error[:MAX_ERROR_TEXT],
            "next_attempt_at": None if delivered else at + timedelta(
                seconds=retry_delay(delivery["attempts"] + 1, self.options))})
        self._sending.pop(delivery["id"], None)
        self._wake.set()

    async def _prune(self) -> None:
        """Now and then, remove deliveries delivered longer ago than the retention."""
        if time.monotonic() < self._next_prune:
            return
        removed = await self.db.write(repository.prune_deliveries, before=datetime.now(UTC) - self.options.retention,
                                      limit=PRUNE_BATCH)
        # A full batch: more to remove, at the next turn of the loop; otherwise not for a while.
        self._next_prune = 0.0 if removed >= PRUNE_BATCH else time.monotonic() + PRUNE_EVERY_SECONDS
