"""Group commit for OpenLineage events: concurrent requests share write transactions.

Each request hands its event's graph changes to `LineageIngest.submit` and waits. A writer
task takes everything queued (up to `max_batch` events), merges it (merging is commutative,
see events.py) and applies it in one transaction; every waiting request is answered only after
that transaction committed. Under load, batches grow by themselves while the previous commit
runs; an idle service commits a lone event at once, without waiting for company.

`writers` transactions may be in flight at once (default WRITERS): while one commits, another
writer can start the next batch. Their batches share jobs, datasets and teams, so they may wait
on each other's locks; rows go in key order (repository.py) so they rarely deadlock, and a
deadlock is a transient error the driver's managed transaction retries. The merge rules are
commutative, so the order in which concurrent batches commit does not change the graph.

When a batch is refused (one event contradicts the graph, e.g. a run moving to another job),
its events are retried one transaction each, so only the offending event gets the refusal.

Authorization happens inside the batch's transaction, per event, in two statements whatever the
batch's size: the senders' tokens are re-read (a revoked or expired token, or roles that no longer
grant ingest_lineage, refuse the event at once on every process), then the owners of every asset
the batch names (app/openlineage/scope.py). An event that would change another team's asset is left
out of the batch and refused (403), its denied attempt audited in the same transaction; the others
commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.audit.service import DENIED_TARGET_KIND, record_lineage_events
from app.auth import scope as team_scope
from app.auth.service import AUTHENTICATION_CACHE, current_access
from app.core.access import Permission, Principal
from app.core.db import Database, Tx
from app.core.errors import Conflict, DomainError, Forbidden, InvalidInput, QueryTimeout, Unauthenticated, Unavailable
from app.openlineage import repository, scope
from app.openlineage.inputs import GraphChanges

ACTION = "lineageEvent"

log = logging.getLogger("app.openlineage")

# Transactions in flight at once. One: on two cores shared with Neo4j the service is CPU-bound,
# and a second writer splits the same 16 waiting requests into smaller batches (5.4 instead of
# 8 events a transaction), costing more CPU per event for no gain in throughput (README "Benchmark").
WRITERS = 1


@dataclass
class _Pending:
    changes: GraphChanges
    principal: Principal
    done: asyncio.Future = field(repr=False)


# Beyond the transaction timeout, how long the writer waits for a batch before giving up on it.
WRITER_MARGIN_SECONDS = 5.0

class LineageIngest:
    """The process's event writer; `start()` in the app's lifespan, `stop()` on shutdown."""

    def __init__(self, db: Database, *, max_batch: int = 256, max_queued: int = 10_000,
                 writers: int | None = None, before_write: Callable[[], Awaitable[None]] | None = None):
        self.db = db
        # Awaited before each batch: the app waits there, after an outage, for the warm-up to have
        # planned the write path (app/http/app.py GraphPreparer.until_write_path_planned).
        self.before_write = before_write
        self.max_batch = max_batch
        self.writers = writers or WRITERS
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue(maxsize=max_queued)
        self._tasks: list[asyncio.Task] = []
        # Figures for the benchmark and the logs: transactions committed, events they carried,
        # and transaction attempts (more attempts than transactions: deadlocks or refusals retried).
        self.transactions = 0
        self.events = 0
        self.attempts = 0

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._write_forever(), name=f"lineage-ingest-{index}")
                           for index in range(self.writers)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        while not self._queue.empty():
            pending = self._queue.get_nowait()
            if not pending.done.done():
                pending.done.set_exception(Unavailable("The service is shutting down; send the event again."))

    async def submit(self, changes: GraphChanges, principal: Principal) -> None:
        """Return once the changes are committed; raise the domain error that refused them."""
        done = asyncio.get_running_loop().create_future()
        try:
            self._queue.put_nowait(_Pending(changes, principal, done))
        except asyncio.QueueFull:
            raise Unavailable("Too many lineage events are waiting to be written; retry shortly.") from None
        await done

    async def _write_forever(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._commit(batch)
            except asyncio.CancelledError:
                # Stopped mid-commit: whether it committed is unknown; replays are idempotent.
                _settle(batch, Unavailable("The service is shutting down; send the event again."))
                raise

    async def _commit(self, batch: list[_Pending]) -> None:
        if self.before_write is not None:
            await self.before_write()
        try:
            # Bounded like a request: a partitioned Neo4j never answers, and one stuck batch would
            # hold the single writer (and so every sender) for as long as TCP takes to give up.
            async with asyncio.timeout(self.db.tx_timeout + WRITER_MARGIN_SECONDS):
                refusals = await self.db.write(self._attempt, batch)
        except TimeoutError:
            self.db.on_unavailable()
            _settle(batch, QueryTimeout("The lineage writer got no answer from the graph database in time; send the "
                                        "events again (replays are idempotent)."))
            return
        except (Conflict, InvalidInput) as refusal:
            if len(batch) == 1:
                _settle(batch, refusal)
                return
            # Somebody's event is refused; find whose, one transaction each.
            for pending in batch:
                await self._commit([pending])
            return
        except DomainError as exc:  # the database is unavailable or timed out: everyone retries
            _settle(batch, exc)
            return
        except Exception as exc:  # unexpected: logged here with the cause, masked at the edge
            if len(batch) > 1:
                # One sender's event must not fail the others': each alone finds the one at fault.
                log.warning("a batch of %d lineage events failed; writing them one by one", len(batch))
                for pending in batch:
                    await self._commit([pending])
                return
            log.exception("writing a lineage event failed")
            _settle(batch, exc)
            return
        self.transactions += 1
        self.events += len(batch) - len(refusals)
        for index, pending in enumerate(batch):
            _settle([pending], refusals.get(index))

    async def _attempt(self, tx: Tx, batch: list[_Pending]) -> dict[int, DomainError]:
        self.attempts += 1
        return await _apply(tx, batch)


async def _apply(tx: Tx, batch: list[_Pending]) -> dict[int, DomainError]:
    """Write the batch's admitted events; the refused ones by their index in the batch."""
    admitted, refusals = await _admit(tx, batch)
    by_principal: dict[str, GraphChanges] = {}
    for pending, changes in admitted:
        merged = by_principal.setdefault(pending.principal.name, GraphChanges())
        merged.merge(changes)
    target_ids: dict[tuple[str, str], str] = {}
    for principal, changes in by_principal.items():
        contradictions = changes.contradictions()
        if contradictions:
            raise Conflict("The event contradicts itself or an event sent with it: " + "; ".join(contradictions[:3]))
        target_ids.update(await repository.apply(tx, changes, principal))
    record_lineage_events(tx, ((pending.principal.name, pending.changes.summary) for pending, _ in admitted),
                          target_ids)
    return refusals


async def _admit(tx: Tx, batch: list[_Pending]) -> tuple[list[tuple[_Pending, GraphChanges]], dict[int, DomainError]]:
    """Each event's changes as its sender may write them now, or why it may not (inside the batch's
    transaction: the tokens and owners read are the ones the batch commits against)."""
    checked = [pending for pending in batch if not pending.principal.is_admin or pending.principal.token_hash]
    if not checked:  # the bootstrap admin (or the registry itself): nothing to re-read
        return [(pending, pending.changes) for pending in batch], {}
    fresh = await current_access(tx, [pending.principal for pending in checked])
    owners = await team_scope.read_owners(tx, scope.owner_keys(pending.changes for pending in checked))
    admitted: list[tuple[_Pending, GraphChanges]] = []
    refusals: dict[int, DomainError] = {}
    for index, pending in enumerate(batch):
        cached = pending.principal
        access = fresh.get(cached.token_hash) if cached.token_hash is not None else cached
        try:
            if access is None:
                AUTHENTICATION_CACHE.evict(cached.token_hash)
                raise Unauthenticated(f"The token of {cached.name} has been revoked or has expired.")
            if access != cached:
                AUTHENTICATION_CACHE.evict(cached.token_hash)  # its next request authenticates afresh
            if not access.may(Permission.INGEST_LINEAGE):
                raise Forbidden(f"{access.name} may not send lineage events: none of its roles grants "
                                f"{Permission.INGEST_LINEAGE.value}.")
            admitted.append((pending, scope.admit(access, pending.changes, owners)))
            scope.establish(owners, pending.changes)
        except Forbidden as refusal:
            refusals[index] = refusal
            record_audit(tx, AuditEntry(actor=cached.name, action=ACTION, target_kind=DENIED_TARGET_KIND,
                                       target_key=ACTION, outcome="denied",
                                       after={"reason": refusal.message, "field": refusal.details.get("field"),
                                              "event": pending.changes.summary}))
        except Unauthenticated as refusal:
            refusals[index] = refusal
    return admitted, refusals


def _settle(batch: list[_Pending], error: BaseException | None) -> None:
    for pending in batch:
        if pending.done.done():  # the sender went away
            continue
        if error is None:
            pending.done.set_result(None)
        else:
            pending.done.set_exception(error)
