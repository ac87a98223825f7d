"""Key lookups of concurrent requests read together: one read transaction for many requests' keys.

A lookup by id or natural key costs Neo4j and the driver about the same whatever the number of
keys (a transaction's BEGIN, RUN, PULL and COMMIT, a session from the pool, the statement's
dispatch): at concurrency 16 on two cores that fixed cost is most of a request's CPU. So, as the
OpenLineage writer commits several events in one transaction (group commit), the per-request
DataLoaders (app/catalog/loaders.py) hand their batches to this process-wide queue, one per
statement: a batch goes at once while fewer than `in_flight` reads of its statement are running,
and otherwise waits for one to finish and goes with every batch that queued meanwhile, in one
statement. An idle service adds no wait; a busy one sends fewer, larger reads.

What a request sees does not change: each batch is read in a transaction begun after the batch
was handed over (so a client reads what it wrote before asking), by the same statement its
loader would have run alone, with the other requests' keys beside its own; each request gets
only its own keys back, and the per-request DataLoader still caches them for that request only.
A read that fails fails every batch in it, with the same typed error (UNAVAILABLE, TIMEOUT).
Only statements whose answer depends on nothing but the keys come here (no caller, no time):
authorization is applied to the answer by the services, per request, as before.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Reads of one statement running at once before batches queue: two keep both of Neo4j's cores
# busy while the service parses the next requests.
IN_FLIGHT = 2
# Keys in one statement at most; a queue holding more goes in several.
MAX_KEYS = 2_000


@dataclass
class _Waiting(Generic[K, V]):
    keys: Sequence[K]
    answer: asyncio.Future[dict[K, V]]


@dataclass
class _Queue(Generic[K, V]):
    fetch: Callable[[list[K]], Awaitable[dict[K, V]]]
    waiting: deque[_Waiting[K, V]] = field(default_factory=deque)
    running: int = 0


class SharedReads:
    """The process's queues of key lookups, one per statement (`name`)."""

    def __init__(self, *, in_flight: int = IN_FLIGHT, max_keys: int = MAX_KEYS):
        self.in_flight = in_flight
        self.max_keys = max_keys
        self._queues: dict[Hashable, _Queue[Any, Any]] = {}
        # Reads sent and batches they carried, since start (tests and benchmarks read them).
        self.reads = 0
        self.batches = 0
        self._drains: set[asyncio.Task] = set()  # held, so a running drain is not collected

    async def load(self, name: Hashable, keys: Sequence[K],
                   fetch: Callable[[list[K]], Awaitable[dict[K, V]]]) -> dict[K, V]:
        """The answer of `fetch` (one read of the distinct keys given, found ones by key) for
        `keys`, read alone or beside other requests' keys of the same `name`, whose fetch must be
        the same statement."""
        if not keys:
            return {}
        queue = self._queues.get(name)
        if queue is None:
            queue = self._queues[name] = _Queue(fetch)
        waiting = _Waiting(keys, asyncio.get_running_loop().create_future())
        queue.waiting.append(waiting)
        if queue.running < self.in_flight:
            queue.running += 1
            # A context of its own: the drain reads for several requests and acts as none of them.
            drain = asyncio.create_task(self._drain(queue), context=contextvars.Context())
            self._drains.add(drain)
            drain.add_done_callback(self._drains.discard)
        found = await waiting.answer
        return {key: found[key] for key in keys if key in found}

    async def _drain(self, queue: _Queue[Any, Any]) -> None:
        """Read what is waiting, batch after batch, until nothing is."""
        try:
            while queue.waiting:
                taken, keys = self._take(queue)
                if not taken:
                    continue
                self.reads += 1
                self.batches += len(taken)
                try:
                    found = await queue.fetch(keys)
                except BaseException as exc:
                    for waiting in taken:
                        if not waiting.answer.done():
                            waiting.answer.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                    continue
                for waiting in taken:
                    if not waiting.answer.done():  # its request may have gone (a deadline, a disconnect)
                        waiting.answer.set_result(found)
        finally:
            queue.running -= 1

    def _take(self, queue: _Queue[Any, Any]) -> tuple[list[_Waiting], list]:
        """The waiting batches that fit in one read (at least one), and their distinct keys in order."""
        taken: list[_Waiting] = []
        keys: dict[Any, None] = {}
        while queue.waiting:
            nxt = queue.waiting[0]
            if taken and len(keys) + len(nxt.keys) > self.max_keys:
                break
            queue.waiting.popleft()
            if nxt.answer.done():  # given up on while it waited: nothing to read for it
                continue
            taken.append(nxt)
            keys.update(dict.fromkeys(nxt.keys))
        return taken, list(keys)
