"""The `lineagegraph` command: serve the API, run the local Neo4j, migrate, load the demo, export the schema.

Exit codes: 0 success, 1 the operation failed (the message says why), 2 bad usage.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

import click

from app.cli.artifacts import artifacts
from app.cli.audit import audit
from app.cli.documents import export, report
from app.cli.gate import gate
from app.cli.importer import import_ as import_group
from app.cli.localneo4j import LocalNeo4jError, from_settings
from app.cli.pipeline import deploy, run
from app.cli.tokens import token
from app.core.config import Settings


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError names the variable and the rule
        raise click.UsageError(f"bad configuration in the environment:\n{exc}") from exc


@click.group()
def main() -> None:
    """lineagegraph: the AI registry over a Neo4j lineage graph."""


@main.command()
@click.option("--host", default=None, help="Interface to listen on (LINEAGEGRAPH_HOST, default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (LINEAGEGRAPH_PORT, default 8000).")
@click.option("--demo/--no-demo", default=False, help="Load the sample registry (idempotent) before serving.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Service processes behind the one port (LINEAGEGRAPH_WORKERS, default 1).")
def serve(host: str | None, port: int | None, demo: bool, workers: int | None) -> None:
    """Serve the GraphQL API. Without NEO4J_URI, starts a local Neo4j first and stops it on exit."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from app.audit.checkpoint import CheckpointError
    from app.governance.policy import PolicyFileError
    from app.core.logs import configure_logging
    from app.http.serving import uvicorn_config
    from app.core.cypher import QueryFileError
    from app.http.app import create_app

    settings = _settings()
    configure_logging(settings.log_level)
    local = None
    if settings.neo4j_uri is None:
        local = from_settings(settings)
        already_running = local.is_running()
        try:
            local.start(echo=lambda line: click.echo(line, err=True))
        except LocalNeo4jError as exc:
            raise click.ClickException(str(exc)) from exc
        if already_running:
            local = None  # someone else started it; leave it running when we exit
    try:
        if demo:
            _echo_counts(_load_demo(settings), err=True)
            settings = _demo_access(settings)
        workers = workers or settings.workers
        try:
            # Built here with several workers too, though each builds its own: a broken query or
            # policy file stops the command with its name before any worker starts.
            app = create_app(settings, configure_logs=False)
        except QueryFileError as exc:
            raise click.ClickException(f"start-up stopped, broken query file: {exc}") from exc
        except PolicyFileError as exc:
            raise click.ClickException(f"start-up stopped, bad policy file: {exc}") from exc
        except CheckpointError as exc:
            raise click.ClickException(f"start-up stopped, bad LINEAGEGRAPH_AUDIT_PUBLIC_KEY: {exc}") from exc
        config = uvicorn_config(app, settings, host=host, port=port, workers=workers)
        click.echo(f"lineagegraph serving http://{config.host}:{config.port}/graphql"
                   + (f" with {workers} worker processes" if workers > 1 else ""), err=True)
        with _stop_signals_return():
            if workers > 1:
                # Migrated and checked once here, so the workers find the graph ready instead of
                # all racing to create the same indexes and plan the same statements.
                _on_prepared_graph(settings)
                # Each worker builds its app from the environment: hand it what this process decided.
                os.environ.update(_worker_environment(settings))
                Multiprocess(config, sockets=[config.bind_socket()]).run()
            else:
                server = uvicorn.Server(config)
                server.run()
                if not server.started:
                    raise click.ClickException("start-up failed; the log lines above say why.")
    finally:
        if local is not None:
            click.echo("Stopping the local Neo4j …", err=True)
            local.stop()


@contextlib.contextmanager
def _stop_signals_return():
    """Let SIGTERM and SIGINT end `serve` through its own clean-up.

    uvicorn shuts down gracefully on either (in-flight requests get `timeout_graceful_shutdown`,
    the lifespan closes the lineage queue and the driver), then raises the signal again for the
    handler that was there before it. With the default handlers that kills the process (SIGTERM)
    or throws KeyboardInterrupt through click (SIGINT) before `serve` stops the Neo4j it started.
    Handlers that only note the signal make that second raise a no-op, so the clean-up runs and
    the command exits 0, as systemd, Kubernetes and Docker expect of a requested stop."""
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, _frame: received.append(number))
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _worker_environment(settings: Settings) -> dict[str, str]:
    """What a worker process must read from its environment to be this service: the Neo4j this
    command started or was given, and the demo's access (anonymous reads, the bootstrap token)."""
    env = {"NEO4J_URI": settings.effective_neo4j_uri,
           "LINEAGEGRAPH_ANONYMOUS_READS": "true" if settings.anonymous_reads else "false"}
    if settings.bootstrap_token is not None:
        env["LINEAGEGRAPH_BOOTSTRAP_TOKEN"] = settings.bootstrap_token.get_secret_value()
    return env


def _demo_access(settings: Settings) -> Settings:
    """The sample registry is for trying the API: anyone on this machine may read it, and an
    admin token (the bootstrap token, made up for this run unless one is configured) is printed
    to issue others. A production service sets LINEAGEGRAPH_BOOTSTRAP_TOKEN itself, or none."""
    import os
    import secrets

    update: dict = {}
    if "LINEAGEGRAPH_ANONYMOUS_READS" not in os.environ:
        update["anonymous_reads"] = True
    if settings.bootstrap_token is None:
        from pydantic import SecretStr

        update["bootstrap_token"] = SecretStr("lg_" + secrets.token_urlsafe(32))
    settings = settings.model_copy(update=update)
    click.echo("Demo access: anonymous reads are "
               f"{'on' if settings.anonymous_reads else 'off'}; admin token for this run:\n"
               f"  export LINEAGEGRAPH_TOKEN={settings.bootstrap_token.get_secret_value()}\n"
               "  (send it as `Authorization: Bearer <token>`; `lineagegraph token create` issues others)", err=True)
    return settings


@main.group()
def neo4j() -> None:
    """Run the local Neo4j server (fetched with Maven into the cache, no Docker)."""


@neo4j.command("start")
def neo4j_start() -> None:
    """Start the local Neo4j and wait until Bolt answers."""
    local = from_settings(_settings())
    try:
        pid = local.start(echo=lambda line: click.echo(line, err=True))
    except LocalNeo4jError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Neo4j {local.version} running (pid {pid}) at {local.uri}")


@neo4j.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j cleanly."""
    local = from_settings(_settings())
    click.echo("Neo4j stopped" if local.stop() else "Neo4j was not running")


@neo4j.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs (exit 0) or not (exit 1)."""
    local = from_settings(_settings())
    pid = local.pid()
    if pid is None:
        click.echo(f"Neo4j not running (home {local.home})")
        sys.exit(1)
    click.echo(f"Neo4j {local.version} running (pid {pid}) at {local.uri}, home {local.home}")


@main.command()
def migrate() -> None:
    """Apply pending schema migrations to the configured Neo4j."""
    applied = _on_prepared_graph(_settings())
    click.echo(f"{len(applied)} migration(s) applied" if applied else "schema up to date")


@main.command()
def demo() -> None:
    """Load the sample registry (credit scoring, a fine-tuned LLM) into the configured Neo4j.

    Idempotent: loading it again changes nothing. `app/cli/demo.py` tells the story.
    """
    _echo_counts(_load_demo(_settings()))


def _load_demo(settings: Settings) -> dict[str, int]:
    """Migrate the graph if needed, then register the demo content; counts by kind."""
    from app.cli.demo import load_demo
    from app.governance.policy import PolicyFileError, load_policies

    try:
        policies = load_policies(settings.policy_file)  # the policy the service runs with gates the demo too
    except PolicyFileError as exc:
        raise click.ClickException(f"start-up stopped, bad policy file: {exc}") from exc
    return _on_prepared_graph(settings, lambda db, applied: load_demo(db, policies=policies))


def _on_prepared_graph(settings: Settings, work=None):
    """Connect, apply migrations and check the queries, then run `work(db, applied)` (or return the
    migrations applied); errors as click errors."""
    from app.core.db import Database
    from app.core.errors import DomainError, Unavailable
    from app.core.cypher import QueryFileError, load_queries
    from app.http.app import prepare_graph

    async def run():
        db = Database.connect(settings, load_queries(settings.cypher_dir))
        try:
            applied = await prepare_graph(db)
            return applied if work is None else await work(db, applied)
        finally:
            await db.close()

    try:
        return asyncio.run(run())
    except Unavailable as exc:
        raise click.ClickException(f"{exc} ({settings.effective_neo4j_uri})") from exc
    except QueryFileError as exc:
        raise click.ClickException(f"broken query file: {exc}") from exc
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc


def _echo_counts(counts: dict[str, int], *, err: bool = False) -> None:
    click.echo("demo registry loaded: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()), err=err)


@main.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL SDL (what `schema.graphql` holds)."""
    from app.graphql.schema import schema

    click.echo(schema.as_str())


# The commands that talk to a running registry over HTTP (app/cli/remote.py).
for command in (deploy, run, import_group, gate, token, audit, export, report, artifacts):
    main.add_command(command)
