"""What every command that talks to a running registry shares (run, deploy, token, gate, audit, import).

The options that say where the registry is and who calls (`registry_options`), the client made
from them (`Remote.client`), one way to report a failure (`fail`), JSON output, the time
option, and the exit-status epilog. The failures and their exit statuses are the client's
(app/cli/client.py); a failed command prints:

  error: DOING: [CODE] message (field: FIELD)        on stderr
  (retryable: …)                                     when the registry could not answer
  {"ok": false, "exitCode": N, "error": {…}}         on stdout, with --json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

import click

from app.cli.client import (
    DEFAULT_TIMEOUT,
    DEFAULT_URL,
    EXIT_DENIED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    TOKEN_ENV,
    URL_ENV,
    RegistryClient,
    RegistryError,
    RegistryUnreachable,
    normalise_url,
)


def registry_options(command=None, *, json_output: bool = True):
    """--registry-url, --token, --timeout, --retries and (unless `json_output=False`) --json.

    Use as `@registry_options` or `@registry_options(json_output=False)`; the command receives
    them as keyword arguments for `Remote.from_options`.
    """
    if command is None:
        return lambda decorated: registry_options(decorated, json_output=json_output)
    options = [
        click.option("--registry-url", envvar=URL_ENV, default=DEFAULT_URL, show_default=True, show_envvar=True,
                     metavar="URL", help="The registry's base URL."),
        click.option("--token", envvar=TOKEN_ENV, default=None, show_envvar=True, metavar="TOKEN",
                     help="Bearer token sent as `Authorization: Bearer …` (prefer the variable: "
                          "options show in process lists)."),
        click.option("--timeout", type=click.FloatRange(0.1, 600), default=DEFAULT_TIMEOUT, show_default=True,
                     metavar="SECONDS", help="Per-request timeout."),
        click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True,
                     help="Re-sends after an unreachable/unavailable registry (1 s, 2 s, 4 s … apart)."),
    ]
    if json_output:
        options.append(click.option(
            "--json", "as_json", is_flag=True,
            help="Print one JSON document on stdout (the result, or the error with its exit status)."))
    for option in reversed(options):
        command = option(command)
    return command


@dataclass
class Remote:
    """The registry a command talks to, as its options gave it."""

    url: str
    token: str | None
    timeout: float
    retries: int
    as_json: bool = False

    @classmethod
    def from_options(cls, registry_url: str, token: str | None, timeout: float, retries: int,
                     as_json: bool = False) -> Remote:
        """The options of `registry_options`, checked: a malformed URL is bad usage (exit 2)."""
        try:
            url = normalise_url(registry_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--registry-url'") from None
        return cls(url, token or None, timeout, retries, as_json)

    def client(self) -> RegistryClient:
        """A new client on this registry (one per thread: use it as a context manager)."""
        return RegistryClient(self.url, token=self.token, timeout=self.timeout, retries=self.retries)

    @contextmanager
    def session(self, doing: str) -> Iterator[RegistryClient]:
        """A client whose failures end the command, reported as failures of `doing` (see `fail`)."""
        with self.client() as client:
            try:
                yield client
            except RegistryError as error:
                fail(self, error, doing)


def fail(remote: Remote, error: RegistryError, doing: str, *, retry_note: str | None = None) -> NoReturn:
    """Report a registry failure on stderr (and as JSON on stdout with --json); exit with its status.

    `retry_note` replaces the default note for a failure worth retrying (what was sent, what to do).
    """
    click.echo(f"error: {doing}: {error}", err=True)
    if isinstance(error, RegistryUnreachable):
        note = retry_note or f"the registry at {remote.url} could not answer; nothing may have been recorded"
        click.echo(f"(retryable: {note})", err=True)
    if remote.as_json:
        print_json({"ok": False, "exitCode": error.exit_code, "error": error.as_dict()})
    sys.exit(error.exit_code)


def print_json(document: dict[str, Any]) -> None:
    """One JSON document on stdout, keys sorted (what --json prints)."""
    click.echo(json.dumps(document, indent=2, sort_keys=True, default=str))


class IsoTime(click.ParamType):
    """An ISO 8601 time; without a zone it is read as UTC."""

    name = "ISO-TIME"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time (e.g. 2026-03-08T06:00:00Z)", param, ctx)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def iso(at: datetime) -> str:
    """A time as the registry's API spells it: ISO 8601 in UTC, with a `Z`."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def exit_codes_help(done: str, refused: str, *, denied: str = "unauthenticated or forbidden") -> str:
    """The `Exit status:` epilog of a remote command: what 0, 1 and 4 mean for it (2 and 3 are alike)."""
    return "\n".join([
        "\b",
        "Exit status:",
        f"  {EXIT_OK}  {done}",
        f"  {EXIT_REFUSED}  {refused}",
        f"  {EXIT_USAGE}  bad usage (nothing was sent)",
        f"  {EXIT_UNREACHABLE}  registry unreachable or unavailable: retry later",
        f"  {EXIT_DENIED}  {denied}",
    ])
