"""Service configuration, read from the environment (documented in README "Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # app/, whose parent is the checkout


def default_cypher_dir() -> Path:
    """The `cypher/` folder: beside the package in a checkout, inside it in a wheel."""
    checkout = _PACKAGE_DIR.parent / "cypher"
    return checkout if checkout.is_dir() else _PACKAGE_DIR / "_cypher"


def default_policy_file() -> Path:
    """The promotion policy shipped with the code: `policies/` beside the package in a checkout,
    inside it in a wheel (as `cypher/` is)."""
    checkout = _PACKAGE_DIR.parent / "policies" / "promotion.yaml"
    return checkout if checkout.is_file() else _PACKAGE_DIR / "_policies" / "promotion.yaml"


def default_ui_dir() -> Path:
    """The built UI (`ui/dist`, written by `npm run build` in `ui/`) beside the package in a checkout."""
    return _PACKAGE_DIR.parent / "ui" / "dist"


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "lineagegraph"


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "lineagegraph"


class Settings(BaseSettings):
    """Everything an operator can set. Unset Neo4j URI means: run a local Neo4j ourselves."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    # --- Neo4j connection (standard names, as the Neo4j tools use them) ---
    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str = Field(default="neo4j", alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")

    # --- HTTP service ---
    host: str = Field(default="127.0.0.1", alias="LINEAGEGRAPH_HOST")
    port: int = Field(default=8000, ge=1, le=65535, alias="LINEAGEGRAPH_PORT")
    # Service processes behind the one port (README "Serving with several processes"): the service
    # keeps no state of its own, so where Python's CPU is the limit, more processes serve more.
    workers: int = Field(default=1, ge=1, le=64, alias="LINEAGEGRAPH_WORKERS")
    graphiql: bool = Field(default=True, alias="LINEAGEGRAPH_GRAPHIQL")
    log_level: str = Field(default="INFO", alias="LINEAGEGRAPH_LOG_LEVEL")
    # The built registry UI served at / (and the bundled GraphiQL); without a build, / says how to make one.
    ui_dir: Path = Field(default_factory=default_ui_dir, alias="LINEAGEGRAPH_UI_DIR")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, alias="LINEAGEGRAPH_MAX_BODY_BYTES")
    # Seconds one Neo4j transaction may run before the server aborts it.
    tx_timeout: float = Field(default=15.0, gt=0, alias="LINEAGEGRAPH_TX_TIMEOUT")
    # Seconds the driver keeps retrying a transaction on a transient failure;
    # kept short so an outage turns into UNAVAILABLE quickly instead of a hang.
    tx_retry_time: float = Field(default=3.0, ge=0, alias="LINEAGEGRAPH_TX_RETRY_TIME")
    connect_timeout: float = Field(default=3.0, gt=0, alias="LINEAGEGRAPH_CONNECT_TIMEOUT")
    # Seconds within which every API request is answered, whatever Neo4j does (then 504 TIMEOUT);
    # above the transaction timeout, so a slow query is normally stopped by Neo4j first.
    request_deadline: float = Field(default=20.0, gt=0, alias="LINEAGEGRAPH_REQUEST_DEADLINE")
    # Seconds the service waits for the next chunk of a request body (then 408), and for a
    # request's headers once a connection is open (then the connection is closed).
    body_read_timeout: float = Field(default=10.0, gt=0, alias="LINEAGEGRAPH_READ_TIMEOUT")
    cypher_dir: Path = Field(default_factory=default_cypher_dir, alias="LINEAGEGRAPH_CYPHER_DIR")
    # How far ahead of this service's clock a reported time (an OpenLineage eventTime, a lineage
    # mutation's `at`) may be before it is refused as lying in the future.
    max_clock_skew_seconds: float = Field(default=300.0, ge=0, alias="LINEAGEGRAPH_MAX_CLOCK_SKEW")
    # The promotion policy (README "Promotion and policies"), read and validated at start-up.
    policy_file: Path = Field(default_factory=default_policy_file, alias="LINEAGEGRAPH_POLICY_FILE")

    # --- Access ---
    # An admin token accepted without being stored (to issue the first real tokens); at least
    # 32 characters. Unset: only issued tokens authenticate.
    bootstrap_token: SecretStr | None = Field(default=None, min_length=32, alias="LINEAGEGRAPH_BOOTSTRAP_TOKEN")
    # The Ed25519 public key (PEM file) audit checkpoints are signed with; verifyAudit checks a
    # checkpoint it is given against it (README "Audit trail").
    audit_public_key: Path | None = Field(default=None, alias="LINEAGEGRAPH_AUDIT_PUBLIC_KEY")
    # Requests without a token may read (as the `anonymous` viewer). Off: they get 401.
    anonymous_reads: bool = Field(default=False, alias="LINEAGEGRAPH_ANONYMOUS_READS")

    # --- Change events out: the webhook deliverer (README "Change events (webhooks)") ---
    # Whether this process sends webhooks (off: it still queues events; other processes send them).
    webhook_delivery: bool = Field(default=True, alias="LINEAGEGRAPH_WEBHOOK_DELIVERY")
    # Seconds between looks at the outbox when nothing wakes the deliverer.
    webhook_poll_interval: float = Field(default=1.0, gt=0, le=60, alias="LINEAGEGRAPH_WEBHOOK_POLL_INTERVAL")
    # Seconds one delivery attempt may take, from connecting to the answer's status line.
    webhook_timeout: float = Field(default=10.0, gt=0, le=120, alias="LINEAGEGRAPH_WEBHOOK_TIMEOUT")
    # A failed attempt is retried after retry_base seconds, doubling with each failure up to retry_max
    # (each jittered down by up to half); retries go on until the receiver answers 2xx.
    webhook_retry_base: float = Field(default=1.0, gt=0, alias="LINEAGEGRAPH_WEBHOOK_RETRY_BASE")
    webhook_retry_max: float = Field(default=600.0, gt=0, alias="LINEAGEGRAPH_WEBHOOK_RETRY_MAX")
    # Sends in flight at once in this process (half of them at most to one subscription).
    webhook_concurrency: int = Field(default=8, ge=1, le=100, alias="LINEAGEGRAPH_WEBHOOK_CONCURRENCY")
    # Hours delivered deliveries stay visible (`deliveries`) before they are removed.
    webhook_retention_hours: float = Field(default=168.0, gt=0, alias="LINEAGEGRAPH_WEBHOOK_RETENTION_HOURS")

    # --- Artifact verification: reading artifacts from their stores (README "Artifact verification") ---
    # URI prefixes the service may read artifacts under, comma-separated. Anything else is
    # UNREADABLE: a registered URI must not make the service read its own files or arbitrary hosts.
    artifact_roots: str = Field(default="s3://", alias="LINEAGEGRAPH_ARTIFACT_ROOTS")
    # The S3 API endpoint (MinIO, Ceph, a test server); unset: AWS's, per AWS_REGION / AWS_ENDPOINT_URL.
    # Credentials come the usual AWS way (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a role).
    s3_endpoint_url: str | None = Field(default=None, alias="LINEAGEGRAPH_S3_ENDPOINT_URL")
    # Files read at once, over every artifact of one verification (each in a worker thread).
    artifact_concurrency: int = Field(default=4, ge=1, le=64, alias="LINEAGEGRAPH_ARTIFACT_CONCURRENCY")
    # Seconds a store may take to accept a connection or answer one read before it is UNREADABLE.
    artifact_timeout: float = Field(default=10.0, gt=0, le=300, alias="LINEAGEGRAPH_ARTIFACT_TIMEOUT")

    # --- The local Neo4j that `serve` starts when NEO4J_URI is unset ---
    neo4j_version: str = Field(default="5.26.30", alias="LINEAGEGRAPH_NEO4J_VERSION")
    cache_dir: Path = Field(default_factory=default_cache_dir, alias="LINEAGEGRAPH_CACHE_DIR")
    neo4j_home: Path = Field(
        default_factory=lambda: default_data_dir() / "neo4j", alias="LINEAGEGRAPH_NEO4J_HOME"
    )
    neo4j_bolt_port: int = Field(default=7687, ge=1, le=65535, alias="LINEAGEGRAPH_NEO4J_BOLT_PORT")
    neo4j_heap: str = Field(default="2g", alias="LINEAGEGRAPH_NEO4J_HEAP")
    neo4j_pagecache: str = Field(default="2g", alias="LINEAGEGRAPH_NEO4J_PAGECACHE")

    @property
    def max_clock_skew(self) -> timedelta:
        return timedelta(seconds=self.max_clock_skew_seconds)

    @property
    def artifact_root_list(self) -> tuple[str, ...]:
        """LINEAGEGRAPH_ARTIFACT_ROOTS as a tuple of prefixes (empty entries dropped)."""
        return tuple(root.strip() for root in self.artifact_roots.split(",") if root.strip())

    @property
    def local_neo4j_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.neo4j_bolt_port}"

    @property
    def effective_neo4j_uri(self) -> str:
        """The URI the service connects to: the configured one, or the local server's."""
        return self.neo4j_uri or self.local_neo4j_uri
