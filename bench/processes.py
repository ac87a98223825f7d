"""What the benchmark's servers share: stopping a child process with the run, and timing GraphQL calls."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from contextlib import ExitStack

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
