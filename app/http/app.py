"""The Starlette application: /graphql, /healthz, /readyz, and the start-up that prepares the graph."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import logging
import time
from collections.abc import AsyncIterator

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from neo4j.exceptions import ClientError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from cross_web import HTTPException

from app.core import limits
from app.http.authentication import Authenticate
from app.auth.service import recheck_writer
from app.core.config import Settings
from app.core.context import Context, principal_of
from app.core.db import Database, Tx
from app.core.errors import BadRequest, DomainError, QueryTimeout, Unavailable
from app.audit.checkpoint import load_public_key
from app.governance.policy import load_policies
from app.graphql.errors import present_errors
from app.http.errors import error_response, read_json_object, refusal, status_for_error_codes
from app.core.logs import configure_logging
from app.system.migrations import latest_version, migrate
from app.http import alertmanager as alertmanager_routes
from app.http import exports as export_routes
from app.http import lineage_events as lineage_routes
from app.http import ui as ui_routes
from app.openlineage.service import LineageIngest
from app.events.deliverer import Deliverer, DeliveryOptions
from app.core.cypher import QueryCatalog, QueryFileError, load_queries, statement_of
from app.graphql.schema import schema
from app.audit import repository as audit_repository
from app.auth import repository as auth_repository
from app.catalog.repository import PerKind
from app.compliance import repository as compliance_repository
from app.events import repository as events_repository
from app.governance import repository as governance_repository
from app.lineage import repository as lineage_repository
from app.monitoring import repository as monitoring_repository
from app.openlineage import repository as openlineage_repository
from app.system import repository as system_repository

log = logging.getLogger("app.http.app")

# How often a service that started without its database tries to prepare it again.
_PREPARE_RETRY_SECONDS = 2.0
# How long one try at preparing the graph (migrations, query checks, warm-up) may take.
_PREPARE_TIMEOUT_SECONDS = 120.0


class RegistryGraphQL(GraphQL):
    """Strawberry's ASGI app with our typed context and our error vocabulary, and GraphiQL from the
    service's own files (app/http/ui.py) rather than Strawberry's page, which loads it from a CDN."""

    def __init__(self, *args, ui: ui_routes.UiFiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.ui = ui

    async def render_graphql_ide(self, request: Request) -> Response:
        return self.ui.graphiql()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            # Strawberry answers malformed requests in plain text; clients parse JSON.
            response = refusal(exc.status_code, "BAD_REQUEST", exc.reason)
        outage = getattr(request.state, "outage", None)
        if outage is not None:  # one status policy for outages (app/http/errors.py)
            response.status_code = outage[0]
            response.headers.update(outage[1])
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """A request body (or GET variables): a JSON object, UTF-8, nested at most MAX_JSON_DEPTH deep.
        Anything else is a 400 here, not a crash further in (json's own recursion, a scalar body)."""
        try:
            return read_json_object(data)
        except BadRequest as exc:
            raise HTTPException(400, exc.message) from None

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = present_errors(result.errors)
            codes = [(error.extensions or {}).get("code") for error in result.errors]
            request.state.outage = status_for_error_codes(codes)
        return await super().process_result(request, result)

    async def get_context(self, request: Request, response: Response) -> Context:
        state = request.app.state
        return Context(
            request=request,
            response=response,
            db=state.db,
            settings=state.settings,
            principal=principal_of(request),
            policies=state.policies,
            audit_public_key=state.audit_public_key,
        )


class BodySizeLimit:
    """Refuses request bodies above the configured size with 413, before the app parses them."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                return await self._refuse(send)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send):
        response = refusal(413, "PAYLOAD_TOO_LARGE", f"Request body is larger than the {self.max_bytes} bytes "
                                                     "this service accepts.", maxBytes=self.max_bytes)
        await response({"type": "http"}, None, send)


class _BodyTooLarge(Exception):
    pass


class RequestDeadline:
    """Every API request is answered within the deadline, whatever the database does.

    The deadline covers everything the request waits for — authentication, a pool connection,
    the transaction, a place in the lineage writer's queue — because a stalled or partitioned
    Neo4j never answers and the server-side transaction timeout never fires. Past it the request
    is cancelled (the driver drops the connection it held, so Neo4j rolls back what was not
    committed) and answered 504 TIMEOUT with Retry-After. A write whose commit was under way may
    still have landed: every write here is idempotent, so retrying is safe. The body must also
    arrive steadily: a read that waits longer than `body_timeout` for the next chunk is 408.
    """

    def __init__(self, app, seconds: float, body_timeout: float):
        self.app = app
        self.seconds = seconds
        self.body_timeout = body_timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(("/graphql", "/api/")):
            return await self.app(scope, receive, send)
        started = False

        async def steady_receive():
            try:
                return await asyncio.wait_for(receive(), timeout=self.body_timeout)
            except asyncio.TimeoutError:
                raise _SlowBody from None

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, steady_receive, tracking_send)
        except _SlowBody:
            if not started:
                await refusal(408, "REQUEST_TIMEOUT", f"The request body did not arrive within "
                                                      f"{self.body_timeout:g} s.")({"type": "http"}, None, send)
        except TimeoutError:
            if not started:
                log.warning("request deadline passed", extra={"path": scope["path"], "deadline_s": self.seconds})
                await error_response(QueryTimeout(
                    f"No answer within the {self.seconds:g} s request deadline (the graph database is slow or "
                    "unreachable); retry later: repeating a write is safe."))({"type": "http"}, None, send)


class _SlowBody(Exception):
    pass


async def prepare_graph(db: Database) -> list[str]:
    """Apply pending migrations and check that every query file compiles against this server."""
    applied = await migrate(db)
    await verify_queries(db)
    return applied


async def verify_queries(db: Database) -> None:
    """EXPLAIN every non-migration statement, so a broken file stops start-up with its name.

    Planning every statement takes seconds on a small machine, so a set already compiled
    against this graph's server (same digest, recorded in the graph) is not planned again.
    """
    digest = db.queries.digest() + ":" + await _server_version(db)

    if await db.read(system_repository.get_verified_queries) == digest:
        return
    pending = [(name, q) for name, q in db.queries.items() if not name.startswith("schema.")]
    # A few at a time: planning is CPU work on the server, and it has few cores.
    gate = asyncio.Semaphore(4)

    async def check(name: str, query) -> None:
        async with gate:
            try:
                await db.explain(name)
            except ClientError as exc:
                raise QueryFileError(f"{query.path}:1: Neo4j rejects this statement: {exc.message}") from exc

    await asyncio.gather(*(check(name, q) for name, q in pending))

    await db.write(system_repository.record_verified_queries, digest=digest)


async def _server_version(db: Database) -> str:
    async def work(tx: Tx) -> str:
        return (await system_repository.server_components(tx))["version"]

    return await db.read(work)


async def readiness(db: Database, queries: QueryCatalog) -> tuple[bool, str]:
    """(ready, reason): Neo4j answers within the timeout and the schema is migrated."""

    async def read(tx: Tx) -> int:
        return await system_repository.readiness(tx)

    try:
        version = await asyncio.wait_for(db.read(read), timeout=limits.READINESS_TIMEOUT)
    except (asyncio.TimeoutError, Unavailable):
        return False, "neo4j unreachable"
    required = latest_version(queries)
    if version < required:
        return False, f"schema migrations not applied (graph at {version}, service needs {required})"
    return True, "ok"


async def healthz(request: Request) -> JSONResponse:
    """The process is alive (it does not look at Neo4j: that is /readyz)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """200 when the service can answer from the graph with its hot statements planned; 503 with
    the reason otherwise."""
    state = request.app.state
    ready, reason = await readiness(state.db, state.db.queries)
    if ready and not state.preparer.warm:
        ready, reason = False, "planning the hot statements again after the database came back"
    if not ready:
        state.preparer.wake()
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ready"})


# What every request path runs first, and what a lineage event's write transaction runs (its apply
# statement takes Neo4j ~1.4 s of CPU to plan on a warm server, ~10 s just after a restart): planned
# again, with the parameter types they last ran with, whenever the database comes back, before
# /readyz says ready. In this order: the write path of an OpenLineage event first (token re-read,
# owners, apply, the chain's head and append, the outbox), so the first event after
# a restart waits for as little planning as can be, then the reads.
WRITE_PATH_STATEMENTS = (
    auth_repository.authenticate, auth_repository.current_access, auth_repository.owners,
    openlineage_repository.apply_batch, audit_repository.lock_head, audit_repository.append_events,
    events_repository.record_events,
)
HOT_STATEMENTS = (
    *WRITE_PATH_STATEMENTS,
    lineage_repository.impact, lineage_repository.provenance,
    PerKind.get_datasets_by_key, PerKind.get_dataset_versions_by_key, PerKind.get_model_versions_by_key,
    PerKind.get_deployments_by_key, governance_repository.gate_facts, compliance_repository.dossier_facts,
    monitoring_repository.health_of,
)

# Before a statement's first run there are no parameters to plan it with, and EXPLAIN with nulls
# caches a plan under null types that no real run matches (Neo4j keys plans by parameter types):
# the statements whose plan is worth having before their first run say how they are typed.
WARM_UP_PARAMS = {
    statement_of(openlineage_repository.apply_batch): openlineage_repository.apply_batch_warm_up_params,
}


class GraphPreparer:
    """Runs `prepare_graph` in the background until it succeeds (when Neo4j was down at start),
    then warms the hot statements; again whenever the database turns out to be unreachable."""

    def __init__(self, db: Database):
        self.db = db
        self._task: asyncio.Task | None = None
        self._wakeup = asyncio.Event()
        self.failure: BaseException | None = None
        self.warm = False
        self.last_warm_up: dict | None = None  # {"statements": n, "seconds": s}, for logs and tests
        # Set while the write path's statements are planned (WRITE_PATH_STATEMENTS): the lineage
        # writer waits for it after an outage rather than plan the same statements a second time
        # beside the warm-up, on the same cores, on a fresh JVM (its transaction then times out).
        self.write_path_planned = asyncio.Event()
        # Clear while the background task tries to prepare the graph (set otherwise): a write waits
        # for that try, not for an outage.
        self._settled = asyncio.Event()
        self._settled.set()
        db.hot_statements = frozenset(name for name in map(statement_of, HOT_STATEMENTS) if name in db.queries)
        db.on_unavailable = self.mark_cold

    def mark_cold(self) -> None:
        """The database was unreachable: when it answers again, plan before saying ready."""
        if self.warm:
            log.warning("neo4j unreachable; the hot statements will be planned again before /readyz says ready")
        self.warm = False
        self.write_path_planned.clear()
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to wake
            self.wake()

    async def until_write_path_planned(self) -> None:
        """While the graph is being prepared again (after an outage), wait until the write path's
        statements are planned or that try ended (itself bounded); at once otherwise. The caller
        goes on whatever happens (a write in an outage still fails as before): this only spares a
        fresh JVM planning the same statements twice, side by side on the same cores, where the
        write's own planning counts against its transaction timeout (measured: 504s one after the
        other, each planning afresh, while the warm-up's EXPLAIN was still under way)."""
        if self.write_path_planned.is_set() or self._settled.is_set():
            return
        waiting = [asyncio.create_task(self.write_path_planned.wait()), asyncio.create_task(self._settled.wait())]
        try:
            await asyncio.wait(waiting, timeout=_PREPARE_TIMEOUT_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waiting:
                task.cancel()

    async def warm_up(self) -> None:
        """EXPLAIN each hot statement, in HOT_STATEMENTS order, with the parameters it last ran with
        (before its first run: typed ones from WARM_UP_PARAMS, else nulls)."""
        started = time.monotonic()
        names = list(dict.fromkeys(name for name in map(statement_of, HOT_STATEMENTS) if name in self.db.hot_statements))
        write_path = {statement_of(used) for used in WRITE_PATH_STATEMENTS}
        for name in names:
            params = self.db.last_params.get(name)
            if params is None and name in WARM_UP_PARAMS:
                params = WARM_UP_PARAMS[name]()
            await self.db.explain(name, params)
            write_path.discard(name)
            if not write_path:
                self.write_path_planned.set()
        self.write_path_planned.set()
        self.last_warm_up = {"statements": len(names), "seconds": round(time.monotonic() - started, 3)}
        self.warm = True
        log.info("hot statements planned", extra=self.last_warm_up)

    def wake(self) -> None:
        if self.failure is None and (self._task is None or self._task.done()):
            # A fresh context: woken from inside a request, the task must not act as its caller
            # (writes re-check the request's token, which may since have been revoked).
            self._task = asyncio.create_task(self._run(), context=contextvars.Context())
        self._wakeup.set()

    async def _run(self) -> None:
        while True:
            try:
                # Bounded: a database that accepts connections but never answers must not park the
                # preparer (and /readyz) for good; the next try starts afresh.
                self._settled.clear()
                try:
                    async with asyncio.timeout(_PREPARE_TIMEOUT_SECONDS):
                        await prepare_graph(self.db)
                        await self.warm_up()
                finally:
                    self._settled.set()
                log.info("graph prepared")
                return
            except Unavailable:
                pass
            except QueryTimeout:
                log.warning("preparing the graph timed out (neo4j too slow); retrying")
            except QueryFileError as exc:
                # A broken file does not heal by waiting: say so once; /readyz stays 503.
                self.failure = exc
                log.error("start-up check failed: %s", exc)
                return
            except Exception:
                log.exception("preparing the graph failed; retrying")
            self._wakeup.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=_PREPARE_RETRY_SECONDS)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = correlation_id.get() or "-"
    log.error("unexpected error", exc_info=exc)
    return refusal(500, "INTERNAL_SERVER_ERROR", f"Internal server error. Quote request id {request_id} to the "
                                                 "operators.", requestId=request_id)


async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
    return error_response(exc)


def create_app(settings: Settings | None = None, *, configure_logs: bool = True) -> Starlette:
    """Build the application. Query files are loaded and checked here, so a broken one fails at once."""
    settings = settings or Settings()
    if configure_logs:
        configure_logging(settings.log_level)
    queries = load_queries(settings.cypher_dir)
    latest_version(queries)  # checks the migration numbering too
    policies = load_policies(settings.policy_file)  # a bad policy file stops start-up here, named
    audit_public_key = None if settings.audit_public_key is None else load_public_key(settings.audit_public_key)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = Database.connect(settings, queries)
        db.write_guard = recheck_writer  # writes are authorized with the token as it stands now
        app.state.db = db
        app.state.preparer = preparer = GraphPreparer(db)
        app.state.lineage_ingest = ingest = LineageIngest(db, before_write=preparer.until_write_path_planned)
        ingest.start()
        app.state.deliverer = deliverer = Deliverer(db, DeliveryOptions.of(settings))
        try:
            applied = await prepare_graph(db)
            await preparer.warm_up()
            log.info("graph ready", extra={"migrations_applied": len(applied), "neo4j": settings.effective_neo4j_uri})
        except Unavailable:
            log.warning("neo4j unreachable at start-up; serving 503 on /readyz until it answers",
                        extra={"neo4j": settings.effective_neo4j_uri})
            preparer.wake()
        except QueryTimeout:
            # A just-started or overloaded Neo4j can take longer than the transaction timeout over
            # start-up's first statements (planning them on a cold JVM): that passes, so the
            # service starts and keeps trying, as when Neo4j is down, rather than exit.
            log.warning("neo4j too slow at start-up (transaction timeout); serving 503 on /readyz and retrying",
                        extra={"neo4j": settings.effective_neo4j_uri})
            preparer.wake()
        except QueryFileError as exc:
            log.error("start-up stopped: %s", exc)
            await db.close()
            raise
        # Change events out: this process sends what the outbox holds (unless told to leave it to others).
        if settings.webhook_delivery:
            deliverer.start()
        # What start-up built (the schema, the query catalog, the policies: ~280,000 objects) lives as
        # long as the process: kept out of the garbage collector's full passes, which otherwise walk
        # it all (~80-170 ms on this machine) and stall every request in flight meanwhile. Garbage
        # first, so none is kept for good; given back at the end (a test process starts many apps).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            await ingest.stop()
            await deliverer.stop()
            await preparer.stop()
            await db.close()

    ui = ui_routes.ui_files(settings)
    graphql_app = RegistryGraphQL(
        schema,
        ui=ui,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            *lineage_routes.routes,
            *alertmanager_routes.routes,
            *export_routes.routes,
            *ui_routes.routes(ui, graphiql=settings.graphiql),
        ],
        middleware=[
            Middleware(CorrelationIdMiddleware, header_name="X-Request-ID"),
            Middleware(RequestDeadline, seconds=settings.request_deadline, body_timeout=settings.body_read_timeout),
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
            Middleware(Authenticate, settings=settings),
        ],
        # 404: what no route answers may be one of the UI's client routes (app/http/ui.py).
        exception_handlers={DomainError: _domain_error, Exception: _unexpected_error, 404: ui.not_found},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.policies = policies
    app.state.audit_public_key = audit_public_key
    return app
