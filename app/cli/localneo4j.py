"""A real Neo4j Community server on loopback, without Docker.

The server's jars are resolved from Maven Central with Maven into a cache outside the
repository (once; later starts need no network), a minimal configuration is written
into an instance folder (data, logs, pid), and the server is started as a child
process and waited for until Bolt answers.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
MIN_JAVA = 17
# Written when Maven finished copying every jar, so a half-finished download is redone.
_COMPLETE_MARKER = ".complete"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lineagegraph.local</groupId>
  <artifactId>neo4j-community-runtime</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <!-- The community server's entry point and the server module it starts. -->
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>{version}</version></dependency>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId><version>{version}</version></dependency>
  </dependencies>
</project>
"""

# The flags Neo4j's own launcher passes to the JVM (its neo4j.conf defaults).
_JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
]


class LocalNeo4jError(RuntimeError):
    """The local server could not be provided; the message says what to do."""


@dataclass(frozen=True)
class LocalNeo4j:
    """One local Neo4j instance: where its jars are, where its files live, which port it serves."""

    version: str
    cache_dir: Path
    home: Path
    bolt_port: int
    heap: str = "1g"
    pagecache: str = "512m"

    # --- paths -----------------------------------------------------------------
    @property
    def runtime_dir(self) -> Path:
        return self.cache_dir / f"neo4j-{self.version}"

    @property
    def lib_dir(self) -> Path:
        return self.runtime_dir / "lib"

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    # --- set-up ----------------------------------------------------------------
    def ensure_runtime(self, *, echo=print) -> Path:
        """Resolve the server's jars into the cache with Maven, unless they are there already."""
        if (self.runtime_dir / _COMPLETE_MARKER).exists():
            return self.lib_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalNeo4jError(
                "Maven (mvn) is not on PATH; it is needed once to fetch Neo4j "
                f"{self.version} from Maven Central. Install Maven, or set NEO4J_URI "
                "to use a Neo4j you already run."
            )
        _java_major()  # fail early with the Java message rather than after the download
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.lib_dir, ignore_errors=True)
        pom = self.runtime_dir / "pom.xml"
        pom.write_text(_POM.format(version=self.version))
        echo(f"Fetching Neo4j Community {self.version} with Maven into {self.runtime_dir} (once) …")
        proc = subprocess.run(
            [mvn, "-B", "-q", "-f", str(pom), "dependency:copy-dependencies",
             f"-DoutputDirectory={self.lib_dir}", "-DincludeScope=runtime"],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise LocalNeo4jError(
                f"Maven could not resolve Neo4j {self.version} (exit {proc.returncode}):\n{tail}"
            )
        if not any(self.lib_dir.glob("neo4j-*.jar")):
            raise LocalNeo4jError(f"Maven finished but {self.lib_dir} holds no Neo4j jars.")
        (self.runtime_dir / _COMPLETE_MARKER).write_text(self.version)
        return self.lib_dir

    def write_config(self) -> None:
        """A minimal configuration: loopback only, our port, our folders, sized for a small machine."""
        for sub in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        settings = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.bolt_port}",
            "server.bolt.advertised_address": f"127.0.0.1:{self.bolt_port}",
            # Bolt is all the service speaks; no HTTP port to collide with other instances.
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            # Loopback only, and the service is the only client: no auth to bootstrap.
            "dbms.security.auth_enabled": "false",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.logs_dir),
            "server.directories.run": str(self.home / "run"),
            "server.directories.import": str(self.home / "import"),
            "server.directories.plugins": str(self.home / "plugins"),
            "server.memory.heap.initial_size": self.heap,
            "server.memory.heap.max_size": self.heap,
            "server.memory.pagecache.size": self.pagecache,
            "db.transaction.timeout": "120s",
            # Stop promptly: the service has closed its sessions by the time we stop the server.
            "db.shutdown_transaction_end_timeout": "2s",
            # Netty's quiet period otherwise adds 5 s per Bolt connector to every stop.
            "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
            "internal.dbms.bolt.netty_server_shutdown_timeout": "2",
            "dbms.usage_report.enabled": "false",
            "db.logs.query.enabled": "OFF",
        }
        text = "".join(f"{key}={value}\n" for key, value in settings.items())
        (self.conf_dir / "neo4j.conf").write_text(text)

    # --- lifecycle ---------------------------------------------------------------
    def pid(self) -> int | None:
        """The server's pid when it is running, else None (a stale pid file is removed)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if _alive(pid) and _is_neo4j(pid):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def is_running(self) -> bool:
        return self.pid() is not None

    def start(self, *, timeout: float = 120.0, echo=print) -> int:
        """Start the server (idempotent) and wait until Bolt answers; returns the pid."""
        running = self.pid()
        if running is not None:
            self.wait_until_ready(timeout=timeout, pid=running)
            return running
        java = _java_binary()
        _java_major()
        lib = self.ensure_runtime(echo=echo)
        if _port_in_use(self.bolt_port):
            raise LocalNeo4jError(
                f"Port {self.bolt_port} on 127.0.0.1 is already in use, so Neo4j cannot listen "
                "there. Stop what uses it, or choose another port with "
                "LINEAGEGRAPH_NEO4J_BOLT_PORT."
            )
        self.write_config()
        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        offsets = self._log_offsets()
        with self.console_log.open("ab") as console:
            proc = subprocess.Popen(
                [java, *_JVM_FLAGS, f"-Xms{self.heap}", f"-Xmx{self.heap}",
                 "-cp", f"{lib}/*", ENTRY_POINT,
                 f"--home-dir={self.home}", f"--config-dir={self.conf_dir}"],
                stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.home,
                # Its own session: Ctrl-C in our terminal must not kill it before we stop it cleanly.
                start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid))
        echo(f"Starting Neo4j {self.version} on {self.uri} (home {self.home}) …")
        self.wait_until_ready(timeout=timeout, pid=proc.pid, process=proc, offsets=offsets)
        return proc.pid

    @property
    def _neo4j_log(self) -> Path:
        return self.logs_dir / "neo4j.log"

    def _log_offsets(self) -> dict[Path, int]:
        """Where each log ends now, so that what a new start writes can be told apart."""
        return {path: (path.stat().st_size if path.exists() else 0) for path in (self._neo4j_log, self.console_log)}

    def _databases_started(self, offsets: dict[Path, int]) -> bool:
        # Bolt answers before the databases are online; "Started." is logged once they are.
        return " INFO  Started." in _read_from(self._neo4j_log, offsets.get(self._neo4j_log, 0))

    def wait_until_ready(self, *, timeout: float, pid: int, process=None, offsets: dict[Path, int] | None = None) -> None:
        """Poll until Bolt answers and the databases are up; fail with the log tail if the server died."""
        deadline = time.monotonic() + timeout
        with GraphDatabase.driver(self.uri, auth=None, connection_timeout=2) as driver:
            while True:
                exited = process.poll() is not None if process is not None else not _alive(pid)
                if exited:
                    self.pid_file.unlink(missing_ok=True)
                    raise LocalNeo4jError(
                        "Neo4j exited during start-up. Last lines of its logs:\n" + self.log_tail(since=offsets)
                    )
                try:
                    driver.verify_connectivity()
                    if offsets is None or self._databases_started(offsets):
                        return
                except (ServiceUnavailable, AuthError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise LocalNeo4jError(
                        f"Neo4j did not answer on {self.uri} within {timeout:.0f}s. "
                        "Last lines of its logs:\n" + self.log_tail(since=offsets)
                    )
                time.sleep(0.25)

    def stop(self, *, timeout: float = 60.0) -> bool:
        """Stop the server cleanly (SIGTERM, then SIGKILL after `timeout`); False if it was not running."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """Kill the server abruptly, as a crash would (used to test outages)."""
        pid = self.pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.05)
            self.pid_file.unlink(missing_ok=True)

    def log_tail(self, lines: int = 25, since: dict[Path, int] | None = None) -> str:
        """The last lines of neo4j.log and the JVM console (written since `since`): why it failed."""
        out = []
        for path in (self._neo4j_log, self.console_log):
            if path.exists():
                tail = _read_from(path, (since or {}).get(path, 0)).splitlines()[-lines:]
                if tail:
                    out.append(f"--- {path} ---")
                    out.extend(tail)
        return "\n".join(out) or "(no log output)"


def from_settings(settings) -> LocalNeo4j:
    """The local instance described by the service settings."""
    return LocalNeo4j(
        version=settings.neo4j_version,
        cache_dir=settings.cache_dir,
        home=settings.neo4j_home,
        bolt_port=settings.neo4j_bolt_port,
        heap=settings.neo4j_heap,
        pagecache=settings.neo4j_pagecache,
    )


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _java_binary() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise LocalNeo4jError(
            f"Java is not installed (no `java` on PATH, no JAVA_HOME). Neo4j needs Java {MIN_JAVA} "
            "or newer: install it (Debian: apt-get install openjdk-17-jre-headless), or set "
            "NEO4J_URI to use a Neo4j you already run."
        )
    return java


def _java_major() -> int:
    java = _java_binary()
    proc = subprocess.run([java, "-version"], capture_output=True, text=True)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not match:
        raise LocalNeo4jError(f"Could not read the Java version from `{java} -version`.")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8" style
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise LocalNeo4jError(f"Neo4j needs Java {MIN_JAVA} or newer; {java} is Java {major}.")
    return major


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as file:
            file.seek(offset)
            return file.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def _is_neo4j(pid: int) -> bool:
    """Guards against a stale pid file whose number now belongs to another process."""
    try:
        return ENTRY_POINT.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (macOS): trust the pid file


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child we started but have not reaped still answers kill(0).
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        return waited == 0
    except ChildProcessError:
        return True
