"""What the benchmark's servers share: stopping a child process with the run, timing GraphQL calls,
and a lean HTTP client for the concurrency runs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import httpx


def stop_with(stack: ExitStack, proc: subprocess.Popen, sig: int = signal.SIGINT) -> None:
    """Stop `proc` when the stack closes: `sig` first (a clean stop), killed after 20 s."""
    def stop() -> None:
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    stack.callback(stop)


def wait_ready(proc: subprocess.Popen, log_path: Path, ready: Callable[[], bool], who: str, timeout: float) -> None:
    """Poll `ready()` until it holds; fail with the end of `who`'s log if it exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"{who} exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{who} did not get ready:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.25)


def graphql_call(http: httpx.Client, path: str, document: str, variables_of: Callable[[], dict],
                 who: str = "GraphQL") -> Callable[[], dict]:
    """A call posting `document` with fresh variables; its `data`, or an error naming `who` answered."""
    def call() -> dict:
        response = http.post(path, json={"query": document, "variables": variables_of()})
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"{who} errors: {body['errors']}")
        return body["data"]

    return call


@contextlib.asynccontextmanager
async def raw_poster(url: str, path: str, headers: dict[str, str]):
    """Plain HTTP/1.1 POSTs over one keep-alive asyncio connection per sender: the same requests as
    httpx sends (JSON body, Content-Length), at a fraction of its CPU (httpx's async client spends
    ~3 ms a request, more than the service it measures), which matters when the client shares the
    servers' two cores. Yields `one()`: a sender's connection, giving `post(body) -> (status, text)`."""
    parts = urlsplit(url)
    target = parts.path.rstrip("/") + path or "/"
    lines = [f"POST {target} HTTP/1.1", f"Host: {parts.netloc}",
             "Content-Type: application/json", *(f"{name}: {value}" for name, value in headers.items())]
    head = ("\r\n".join(lines) + "\r\nContent-Length: ").encode()

    @contextlib.asynccontextmanager
    async def one():
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            async def post(body: bytes) -> tuple[int, str]:
                writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
                status_line = await reader.readline()
                length, chunked = 0, False
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"transfer-encoding" and b"chunked" in value.lower():
                        chunked = True
                text = (await _chunked(reader) if chunked else await reader.readexactly(length)).decode()
                return int(status_line.split()[1]), text

            yield post
        finally:
            writer.close()

    yield one


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    """A chunked body (Express answers so when it streams), read to its last chunk."""
    body = bytearray()
    while size := int((await reader.readline()).split(b";")[0], 16):
        body += await reader.readexactly(size)
        await reader.readline()
    await reader.readline()
    return bytes(body)


def _parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def child_pid(marker: str) -> int | None:
    """The pid of this process's child whose command line contains `marker` (the service)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or _parent_of(int(entry.name)) != os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            return int(entry.name)
    return None


def serving_processes(pid: int) -> list[int]:
    """`pid` and its direct children: the service's one process, or its supervisor and workers
    (not multiprocessing's resource tracker, which serves nothing)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent_of(int(entry.name)) == pid:
            try:
                if b"resource_tracker" not in (entry / "cmdline").read_bytes():
                    children.append(int(entry.name))
            except OSError:
                continue
    return [pid] + children


def rss_mb(pid: int) -> float | None:
    """A process's resident memory (VmRSS) in MB, or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pids: list[int | None] | int | None) -> float | None:
    """User + system CPU seconds the processes have used so far (Linux /proc), or None when none
    of them can be read (gone, or not Linux)."""
    ticks, read = 0, False
    for pid in pids if isinstance(pids, list) else [pids]:
        if pid is None:
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        read = True
    return ticks / os.sysconf("SC_CLK_TCK") if read else None


class CpuMeter:
    """CPU used by named groups of processes over a stretch of a run, per unit of work: where the
    two shared cores go (a server, Neo4j, the benchmark's own clients) when throughput is the limit.

        with CpuMeter({"service": pids, "neo4j": [neo4j_pid], "client": [os.getpid()]}) as meter:
            ...
        meter.per_unit_ms(requests)  # {"service": 1.9, "neo4j": 1.1, "client": 0.1}

    The kernel counts CPU in 10 ms ticks, so a figure per unit needs a few thousand units; a
    group's background work over the stretch counts too. A group that cannot be read is None."""

    def __init__(self, groups: dict[str, list[int | None]]):
        self.groups = groups
        self._started: dict[str, float | None] = {}
        self.used: dict[str, float | None] = {}

    def __enter__(self) -> CpuMeter:
        self._started = {name: cpu_seconds(pids) for name, pids in self.groups.items()}
        return self

    def __exit__(self, *exc) -> None:
        for name, pids in self.groups.items():
            now, started = cpu_seconds(pids), self._started[name]
            self.used[name] = None if now is None or started is None else now - started

    def per_unit_ms(self, units: int) -> dict[str, float | None]:
        return {name: None if used is None else round(used * 1000 / units, 3) for name, used in self.used.items()}
