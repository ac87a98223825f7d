"""The Neo4j edge: one driver per process, one managed transaction per use case.

Services call `db.read(work, ...)` or `db.write(work, ...)`; `work` receives a `Tx`
that runs named queries from `cypher/`. Reads go to read transactions so that a
cluster behind a `neo4j://` URI can route them to followers. Driver failures are
mapped here, once, to `Unavailable` and `QueryTimeout`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, Record, unit_of_work
from neo4j.exceptions import (
    ClientError,
    DatabaseUnavailable,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from app.core.config import Settings
from app.core.errors import QueryTimeout, Unavailable
from app.core.shared_reads import SharedReads
from app.core.cypher import QueryCatalog

P = ParamSpec("P")
T = TypeVar("T")

_TIMEOUT_CODES = {
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    # What a transaction still waiting for a lock (the audit chain's head, a node another write holds)
    # gets when its timeout stops it; also an operator's termination or a shutting-down database,
    # which a retry answers as well.
    "Neo.ClientError.Transaction.LockClientStopped",
}


class Tx:
    """A managed transaction that runs statements by their file name."""

    def __init__(self, tx: AsyncManagedTransaction, db: Database):
        self._tx = tx
        self._db = db
        # What the use case's work handed over to be written just before the commit, by hook.
        self._before_commit: dict[Callable[[Tx, list], Awaitable[None]], list] = {}

    def before_commit(self, flush: Callable[[Tx, list], Awaitable[None]], item: Any) -> None:
        """Have `flush(tx, items)` run once, after the use case's work and in its transaction, with
        every item handed over this way: they commit with the change they belong to, or not at all.
        (The audit chain appends its events so: app/audit/chain.py, `record_audit`.)"""
        self._before_commit.setdefault(flush, []).append(item)

    async def flush_before_commit(self) -> None:
        while self._before_commit:  # a hook may hand over more (to another hook)
            flush, items = next(iter(self._before_commit.items()))
            del self._before_commit[flush]
            await flush(self, items)

    async def records(self, name: str, /, **params: Any) -> list[Record]:
        """All records of the named query."""
        result = await self._run(name, params)
        return [record async for record in result]

    async def single(self, name: str, /, **params: Any) -> Record | None:
        """The one record of the named query, or None."""
        records = await self.records(name, **params)
        return records[0] if records else None

    async def consume(self, name: str, /, **params: Any) -> neo4j.ResultSummary:
        """Run the named query for its effect; returns the summary (counters)."""
        return await (await self._run(name, params)).consume()

    async def _run(self, name: str, params: dict[str, Any]):
        query = self._db.queries[name]
        query.check_params(params)
        self._db.statements_run += 1
        if name in self._db.hot_statements:
            self._db.last_params[name] = params  # to re-plan it with the same types after an outage
        return await self._tx.run(query.text, params)


class Database:
    """The driver plus the query catalog, with the transaction helpers services use."""

    def __init__(self, driver: AsyncDriver, queries: QueryCatalog, settings: Settings):
        self.driver = driver
        self.queries = queries
        self.database = settings.neo4j_database
        self.tx_timeout = settings.tx_timeout
        # Statements sent since start: tests read it to prove a request's round trips do not
        # grow with the size of its answer (no N+1).
        self.statements_run = 0
        # Neo4j caches a plan by statement text and parameter types: the statements worth planning
        # again before serving after an outage, and the parameters each was last run with.
        self.hot_statements: frozenset[str] = frozenset()
        self.last_params: dict[str, dict[str, Any]] = {}
        # Called whenever the database turns out to be unreachable (the service re-warms then).
        self.on_unavailable: Callable[[], None] = lambda: None
        # Run first in every write transaction (but `write_unguarded`'s): the service sets
        # app.auth.service.recheck_writer, which re-reads the caller's token, so writes are
        # authorized with the access it has now, not the one an authentication cache remembers.
        self.write_guard: Callable[[Tx], Awaitable[None]] | None = None
        # Key lookups of concurrent requests, read together (app/core/shared_reads.py).
        self.shared_reads = SharedReads()

    @classmethod
    def connect(cls, settings: Settings, queries: QueryCatalog) -> Database:
        """Create the process's driver; nothing is sent until the first query."""
        driver = AsyncGraphDatabase.driver(
            settings.effective_neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password),
            connection_timeout=settings.connect_timeout,
            connection_acquisition_timeout=settings.connect_timeout + settings.tx_retry_time,
            max_transaction_retry_time=settings.tx_retry_time,
            max_connection_pool_size=100,
            # Planner notifications (unknown labels on an empty graph, …) are noise in our logs.
            notifications_min_severity="OFF",
        )
        return cls(driver, queries, settings)

    async def close(self) -> None:
        await self.driver.close()

    async def read(
        self, work: Callable[Concatenate[Tx, P], Awaitable[T]], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `work` in one managed read transaction."""
        return await self._execute(neo4j.READ_ACCESS, work, *args, **kwargs)

    async def write(
        self, work: Callable[Concatenate[Tx, P], Awaitable[T]], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `work` in one managed write transaction: all of it commits, or none."""
        return await self._execute(neo4j.WRITE_ACCESS, work, *args, **kwargs)

    async def write_unguarded(
        self, work: Callable[Concatenate[Tx, P], Awaitable[T]], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """A write transaction without the write guard: for the registry's own record of an attempt
        (a denied attempt's audit event), which must be written whatever the caller's token says."""
        return await self._execute(neo4j.WRITE_ACCESS, work, *args, _guarded=False, **kwargs)

    async def _execute(self, mode: str, work, *args, _guarded: bool = True, **kwargs):
        guard = self.write_guard if mode == neo4j.WRITE_ACCESS and _guarded else None

        @unit_of_work(timeout=self.tx_timeout)
        async def transaction(tx: AsyncManagedTransaction):
            wrapped = Tx(tx, self)
            if guard is not None:
                await guard(wrapped)
            result = await work(wrapped, *args, **kwargs)
            await wrapped.flush_before_commit()
            return result

        async with self.mapped_errors():
            async with self.driver.session(database=self.database, default_access_mode=mode) as session:
                if mode == neo4j.READ_ACCESS:
                    return await session.execute_read(transaction)
                return await session.execute_write(transaction)

    async def explain(self, name: str, params: dict[str, Any] | None = None) -> None:
        """Have Neo4j compile the named statement without running it (start-up check, warm-up).
        Neo4j caches the plan under the statement and its parameters' types, EXPLAIN stripped."""
        query = self.queries[name]
        async with self.mapped_errors():
            async with self.driver.session(database=self.database) as session:
                # EXPLAIN plans without executing, so null parameters are fine.
                result = await session.run("EXPLAIN " + query.text, params or dict.fromkeys(query.params))
                await result.consume()

    @contextlib.asynccontextmanager
    async def mapped_errors(self) -> AsyncIterator[None]:
        """Translate the driver's outage and timeout errors into domain errors, once, here."""
        try:
            yield
        except (ServiceUnavailable, SessionExpired, DatabaseUnavailable) as exc:
            self.on_unavailable()
            raise Unavailable("The graph database cannot be reached right now; try again shortly.") from exc
        except (TransientError, ClientError) as exc:
            if exc.code in _TIMEOUT_CODES:
                raise QueryTimeout(
                    f"The query ran longer than the {self.tx_timeout:g}s transaction timeout; "
                    "narrow it (smaller page, lower depth) and try again."
                ) from exc
            raise
        except (asyncio.TimeoutError, DriverError) as exc:
            if isinstance(exc, DriverError) and not _is_connectivity_error(exc):
                raise
            self.on_unavailable()
            raise Unavailable("The graph database cannot be reached right now; try again shortly.") from exc


def _is_connectivity_error(exc: DriverError) -> bool:
    # The pool raises ClientError-free DriverErrors such as "failed to obtain a connection".
    return "connection" in str(exc).lower()
