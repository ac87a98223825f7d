"""What the webhook tests share: a real HTTP receiver on a loopback port, the signature check a
receiver would run (the stdlib, independent of the service's signing library), and GraphQL documents."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.cli.localneo4j import free_port

# The service's apps in these tests send webhooks with these timings (README "Configuration").
FAST_DELIVERY = {"webhook_delivery": True, "webhook_poll_interval": 0.05, "webhook_retry_base": 0.05,
                 "webhook_retry_max": 0.4, "webhook_timeout": 3.0}

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(bytes(range(100, 132))).decode()
ERRORS = "__typename ... on UserError { code message } ... on InvalidInputError { field }"

REGISTER = """mutation($input: RegisterWebhookSubscriptionInput!) { registerWebhookSubscription(input: $input) {
  %s ... on WebhookSubscriptionRegistration { created changed subscription { id name url eventTypes pendingCount } } } }
""" % ERRORS

SUBSCRIPTION = """query($name: String!, $status: WebhookDeliveryStatus) { webhookSubscription(name: $name) {
  name url eventTypes pendingCount oldestPendingAt lastAttemptAt lastDeliveredAt
  lastError { at message statusCode }
  deliveries(first: 100, status: $status) { eventId type subject seq status attempts createdAt lastAttemptAt
                                            lastStatusCode lastError nextAttemptAt deliveredAt } } }"""


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]   # lower-cased names
    body: bytes
    at: float                 # time.monotonic() on arrival

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """A tiny webhook receiver: a real HTTP server in a thread on a free loopback port, recording every
    POST and answering what `answer(event)` says (200 unless told otherwise). It can be stopped (the
    port then refuses connections) and started again on the same port."""

    def __init__(self, answer: Callable[[dict], int] | None = None):
        self.port = free_port()
        self.answer = answer or (lambda event: 200)
        self.received: list[Received] = []   # what it answered 2xx, in arrival order
        self.attempted: list[dict] = []      # every event POSTed to it, whatever it answered
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/lineagegraph"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    event = json.loads(body)
                    with receiver._lock:
                        receiver.attempted.append(event)
                    status = receiver.answer(event)
                except Exception:
                    status = 500
                if 200 <= status < 300:
                    with receiver._lock:
                        receiver.received.append(Received(headers=headers, body=body, at=time.monotonic()))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def events(self) -> list[dict]:
        with self._lock:
            return [r.event for r in self.received]

    def all(self) -> list[Received]:
        with self._lock:
            return list(self.received)


def verify_signature(secret: str, headers: dict[str, str], body: bytes, *, tolerance: float = 300.0) -> bool:
    """What a receiver does (README "Change events"): HMAC-SHA256 over `id.timestamp.body` with the
    secret's bytes, compared with each `v1,` signature; the timestamp within five minutes."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    fresh = abs(time.time() - int(headers["webhook-timestamp"])) <= tolerance
    return fresh and any(hmac.compare_digest(expected, sig.split(",", 1)[1])
                         for sig in headers["webhook-signature"].split() if sig.startswith("v1,"))


def wait_for(condition: Callable[[], object], *, timeout: float = 30.0, what: str = "the condition") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} did not hold within {timeout:g} s"
        time.sleep(0.05)


def subscribe(gql, receiver: Receiver, *, name: str = "audit-bus", types: list[str] | None = None,
              secret: str = SECRET) -> dict:
    """Register a subscription for these event types (default: every type) at the receiver's URL."""
    if types is None:
        types = [t["type"] for t in gql("{ changeEventTypes { type } }")["data"]["changeEventTypes"]]
    result = gql(REGISTER, {"input": {"name": name, "url": receiver.url, "eventTypes": types,
                                      "secret": secret}})["data"]["registerWebhookSubscription"]
    assert result["__typename"] == "WebhookSubscriptionRegistration", result
    return result["subscription"]


def subscription(gql, name: str = "audit-bus", status: str | None = None) -> dict:
    return gql(SUBSCRIPTION, {"name": name, "status": status})["data"]["webhookSubscription"]
