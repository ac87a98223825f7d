"""A small synchronous HTTP client for the registry's API, for commands that run elsewhere (CI/CD).

One place for what every remote command needs: where the registry is (`--registry-url` or
`LINEAGEGRAPH_URL`), who is calling (a bearer token from `--token` or `LINEAGEGRAPH_TOKEN`, sent as
`Authorization: Bearer …` when given: the registry takes the caller's identity from it), timeouts,
retries of what is safe to retry, and one vocabulary of failures:

- `RegistryUnreachable`: the registry could not answer — connection refused, timeout, HTTP 429
  or 5xx, GraphQL `UNAVAILABLE` / `TIMEOUT` / `INTERNAL_SERVER_ERROR`, or something that is not
  a registry answered. Retrying later is the right move.
- `RegistryRefused`: the registry answered and said no — a GraphQL error with a code such as
  `BAD_USER_INPUT`, `NOT_FOUND`, `CONFLICT`, a result-union member implementing `UserError`,
  or an HTTP 4xx from the lineage endpoint. Sending the same again gives the same answer.
- `RegistryDenied` (a `RegistryRefused`): `UNAUTHENTICATED` or `FORBIDDEN` (HTTP 401/403).
- `NoLineageEndpoint` (a `RegistryRefused`): the URL answers 404/405 to `POST /api/v1/lineage`
  without an error code: not the registry's base URL (or an older release); every event would
  be refused alike.

Each carries `code`, `message`, `field` (when the registry named one) and `exit_code`, the
documented exit status of every remote command for it (app/cli/remote.py reports them).
"""

from __future__ import annotations

import json
import time
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"
URL_ENV = "LINEAGEGRAPH_URL"
TOKEN_ENV = "LINEAGEGRAPH_TOKEN"

GRAPHQL_PATH = "/graphql"
LINEAGE_PATH = "/api/v1/lineage"

DEFAULT_TIMEOUT = 30.0
CONNECT_TIMEOUT = 5.0

# Exit statuses of every command that talks to the registry (README "CI/CD: the pipeline CLI").
EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_DENIED = 4

# Codes that mean "the registry could not answer now", not "the answer is no".
RETRYABLE_CODES = frozenset({"UNAVAILABLE", "TIMEOUT", "QUERY_TIMEOUT", "INTERNAL_SERVER_ERROR"})
DENIED_CODES = frozenset({"UNAUTHENTICATED", "FORBIDDEN"})


def _client_version() -> str:
    try:
        return version("lineagegraph")
    except PackageNotFoundError:
        return "dev"


class RegistryError(Exception):
    """Base of the client's failures: a code, a sentence, and the field at fault when known."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, *, code: str, field: str | None = None, status: int | None = None,
                 details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.status = status
        self.details = {k: v for k, v in (details or {}).items() if v is not None}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field,
                "retryable": isinstance(self, RegistryUnreachable), **self.details}

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        return f"{text} (field: {self.field})" if self.field else text


class RegistryUnreachable(RegistryError):
    """The registry could not answer (down, overloaded, timed out, not a registry): retry later."""

    exit_code = EXIT_UNREACHABLE


class RegistryRefused(RegistryError):
    """The registry answered no: invalid input, something not found, a conflict with the record."""

    exit_code = EXIT_REFUSED


class RegistryDenied(RegistryRefused):
    """The caller is not authenticated, or not allowed to do this."""

    exit_code = EXIT_DENIED


class NoLineageEndpoint(RegistryRefused):
    """Nothing at the URL takes OpenLineage events: it is not the registry's base URL."""


def error_for(code: str | None, message: str, *, field: str | None = None, status: int | None = None,
              details: dict[str, Any] | None = None) -> RegistryError:
    """The typed failure for a code the registry sent (or an HTTP status when it sent none)."""
    if code is None:
        code = f"HTTP_{status}" if status else "UNKNOWN"
    kind: type[RegistryError]
    if code in DENIED_CODES or status in (401, 403):
        kind = RegistryDenied
    elif code in RETRYABLE_CODES or (status is not None and (status >= 500 or status == 429)):
        kind = RegistryUnreachable
    else:
        kind = RegistryRefused
    return kind(message, code=code, field=field, status=status, details=details)


class RegistryClient:
    """Talks to one registry. Use as a context manager, or call `close()`.

    `retries` re-sends a request that failed as `RegistryUnreachable` (after 1 s, 2 s, 4 s …);
    that is safe because every write the API offers is idempotent.
    """

    def __init__(self, url: str = DEFAULT_URL, *, token: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, retries: int = 0, backoff: float = 1.0,
                 transport: httpx.BaseTransport | None = None):
        self.url = normalise_url(url)
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        headers = {"User-Agent": f"lineagegraph-cli/{_client_version()}", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- GraphQL --------------------------------------------------------------------------------

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one GraphQL document; return its `data`.

        Raises the typed failure for a GraphQL error, and for a top-level field whose value is a
        `UserError` member of a result union (select `__typename` and `... on UserError { code
        message }`, plus `field` on the error types that have it, for this to work).
        """
        body = self._with_retries(lambda: self._post_graphql(query, variables or {}))
        data = body.get("data")
        if not isinstance(data, dict):
            raise RegistryUnreachable(f"The registry at {self.url} answered GraphQL without data.",
                                      code="BAD_RESPONSE")
        for name, value in data.items():
            if _is_user_error(value):
                details = {k: v for k, v in value.items()
                           if k not in ("__typename", "code", "message", "field") and isinstance(v, str | int | float)}
                details["type"] = value.get("__typename")
                details["operation"] = name
                raise error_for(value["code"], value["message"], field=value.get("field"), details=details)
        return data

    def _post_graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = self._send("POST", GRAPHQL_PATH, json={"query": query, "variables": variables})
        body = _json_or_none(response)
        if body is None or not isinstance(body, dict):
            if response.is_success:
                raise RegistryUnreachable(
                    f"{self.url}{GRAPHQL_PATH} did not answer with JSON (HTTP {response.status_code}): "
                    "is that a lineagegraph registry?", code="BAD_RESPONSE", status=response.status_code)
            raise _http_failure(response, body)
        errors = body.get("errors")
        if errors:
            raise _graphql_failure(errors, response.status_code)
        if not response.is_success:
            raise _http_failure(response, body)
        return body

    # --- OpenLineage ----------------------------------------------------------------------------

    def post_lineage(self, event: dict[str, Any]) -> dict[str, Any]:
        """Send one OpenLineage event to `POST /api/v1/lineage`; return the decoded answer.

        2xx means the registry committed it. A 4xx is `RegistryRefused` with the body's code,
        message and field; 429, 5xx and transport failures are `RegistryUnreachable`.
        """

        def send() -> dict[str, Any]:
            response = self._send("POST", LINEAGE_PATH, json=event)
            body = _json_or_none(response)
            if response.is_success:
                return body if isinstance(body, dict) else {}
            if response.status_code in (404, 405) and _error_parts(body)[0] is None:
                raise NoLineageEndpoint(
                    f"No OpenLineage endpoint at {self.url}{LINEAGE_PATH} ({response.status_code}): is {self.url} "
                    "the registry's base URL (and a release that takes lineage)?",
                    code=f"HTTP_{response.status_code}", status=response.status_code)
            raise _http_failure(response, body)

        return self._with_retries(send)

    # --- documents ------------------------------------------------------------------------------

    def get_document(self, path: str) -> tuple[bytes, str]:
        """GET one of the registry's documents (app/core/documents.py paths); its body and media type.

        A 4xx is `RegistryRefused` (`RegistryDenied` for 401/403) with the error body's code,
        message and field; 429, 5xx and transport failures are `RegistryUnreachable`."""

        def fetch() -> tuple[bytes, str]:
            response = self._send("GET", path, headers={"Accept": "*/*"})
            if response.is_success:
                return response.content, response.headers.get("content-type", "application/octet-stream")
            raise _http_failure(response, _json_or_none(response))

        return self._with_retries(fetch)

    # --- plumbing -------------------------------------------------------------------------------

    def _send(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise RegistryUnreachable(
                f"The registry at {self.url} did not answer within {self.timeout:g} s ({type(exc).__name__}).",
                code="TIMEOUT") from exc
        except httpx.TransportError as exc:
            raise RegistryUnreachable(f"Cannot reach the registry at {self.url}: {exc or type(exc).__name__}.",
                                      code="UNREACHABLE") from exc

    def _with_retries(self, attempt):
        for number in range(self.retries + 1):
            try:
                return attempt()
            except RegistryUnreachable:
                if number == self.retries:
                    raise
                time.sleep(self.backoff * 2**number)
        raise AssertionError("unreachable")  # pragma: no cover


def normalise_url(url: str) -> str:
    """The registry's base URL: no trailing slash, and no `/graphql` if someone pasted that."""
    url = (url or DEFAULT_URL).strip().rstrip("/")
    if url.endswith(GRAPHQL_PATH):
        url = url[: -len(GRAPHQL_PATH)]
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the registry URL must start with http:// or https://, not {url[:60]!r}")
    return url


def _is_user_error(value: Any) -> bool:
    """A result-union member implementing `UserError`: it has a string `code` and `message`."""
    return (isinstance(value, dict) and isinstance(value.get("code"), str)
            and isinstance(value.get("message"), str)
            and str(value.get("__typename", "Error")).endswith("Error"))


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return None


def _graphql_failure(errors: list, status: int) -> RegistryError:
    """The failure for a GraphQL `errors` list: a retryable code wins, then a denial, then the first."""
    parsed = []
    for error in errors if isinstance(errors, list) else [errors]:
        if not isinstance(error, dict):
            continue
        extensions = error.get("extensions") if isinstance(error.get("extensions"), dict) else {}
        parsed.append((extensions.get("code"), str(error.get("message") or "GraphQL error"), extensions))
    if not parsed:
        return error_for(None, "The registry answered with malformed errors.", status=status)
    for predicate in (lambda c: c in RETRYABLE_CODES, lambda c: c in DENIED_CODES, lambda c: True):
        for code, message, extensions in parsed:
            if predicate(code):
                details = {k: v for k, v in extensions.items() if k not in ("code", "field")
                           and isinstance(v, str | int | float)}
                return error_for(code, message, field=extensions.get("field"), status=status if status >= 400 else None,
                                 details=details)
    raise AssertionError("unreachable")  # pragma: no cover


def _http_failure(response: httpx.Response, body: Any) -> RegistryError:
    code, message, field, details = _error_parts(body)
    if message is None:
        text = response.text.strip().splitlines()[0][:200] if response.text.strip() else response.reason_phrase
        message = f"HTTP {response.status_code} from {response.request.url}: {text}"
    return error_for(code, message, field=field, status=response.status_code, details=details)


def _error_parts(body: Any) -> tuple[str | None, str | None, str | None, dict[str, Any]]:
    """(code, message, field, details) from an error body, whichever shape it has:
    `{"errors": [{"message", "extensions": {"code", "field"}}]}`, `{"error": {"code", "message",
    "field"}}`, `{"error": "text"}` or `{"code", "message", "field"}`."""
    if not isinstance(body, dict):
        return None, None, None, {}
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        extensions = first.get("extensions") if isinstance(first.get("extensions"), dict) else {}
        details = {k: v for k, v in extensions.items() if k not in ("code", "field") and isinstance(v, str | int | float)}
        return extensions.get("code") or first.get("code"), first.get("message"), \
            extensions.get("field") or first.get("field"), details
    error = body.get("error")
    if isinstance(error, dict):
        details = {k: v for k, v in error.items() if k not in ("code", "message", "field")
                   and isinstance(v, str | int | float)}
        return error.get("code"), error.get("message"), error.get("field"), details
    if isinstance(error, str):
        return body.get("code"), error, body.get("field"), {}
    if isinstance(body.get("message"), str):
        return body.get("code"), body["message"], body.get("field"), {}
    return None, None, None, {}
