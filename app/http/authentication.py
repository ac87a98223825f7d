"""Authentication at the HTTP edge: every API request is a principal before any resolver runs.

`Authorization: Bearer <token>` names an issued token (or the bootstrap admin token). Without
a header, a request reads as the `anonymous` viewer when anonymous reads are on, and gets 401
otherwise; a bad, revoked or expired token is always 401. Besides /graphql, that covers /api/ and
the compliance documents (/exports/, /reports/). /healthz, /readyz and the GraphiQL page need no
token (the page itself holds no data; its queries do).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from app.auth.service import ANONYMOUS, REQUEST_PRINCIPAL, authenticate, hash_token
from app.core.access import Principal
from app.core.config import Settings
from app.core.errors import DomainError
from app.http.errors import error_response, refusal

_PROTECTED = ("/graphql", "/api/", "/exports/", "/reports/")


class Authenticate:
    def __init__(self, app, settings: Settings):
        self.app = app
        self.anonymous_reads = settings.anonymous_reads
        token = settings.bootstrap_token
        self.bootstrap_hash = hash_token(token.get_secret_value()) if token is not None else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(_PROTECTED):
            return await self.app(scope, receive, send)
        headers = {name: value for name, value in scope.get("headers", [])}
        authorization = headers.get(b"authorization", b"").decode("latin-1").strip()
        if not authorization:
            if self.anonymous_reads:
                principal = ANONYMOUS
            elif _is_graphiql_page(scope, headers):
                principal = GRAPHIQL_PAGE  # the page holds no data; the queries it sends carry their own header
            else:
                return await _refuse(send, "This API needs a token: send `Authorization: Bearer <token>`.")
        else:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                return await _refuse(send, "Send the token as `Authorization: Bearer <token>`.")
            try:
                principal = await authenticate(scope["app"].state.db, secret.strip(), bootstrap_hash=self.bootstrap_hash)
            except DomainError as exc:  # the graph is unreachable: not the caller's fault
                return await error_response(exc)(scope, receive, send)
            if principal is None:
                return await _refuse(send, "The token is unknown, revoked or expired.")
        scope.setdefault("state", {})["principal"] = principal
        # Every write transaction of this request re-reads the token first (recheck_writer).
        acting = REQUEST_PRINCIPAL.set(principal)
        try:
            return await self.app(scope, receive, send)
        finally:
            REQUEST_PRINCIPAL.reset(acting)


# Whoever loads the GraphiQL page without a token: no role at all, so that even if a query ran
# under it, every field would be refused.
GRAPHIQL_PAGE = Principal(name="graphiql-page", roles=frozenset())


def _is_graphiql_page(scope, headers: dict) -> bool:
    """A browser asking for the page itself: GET, HTML accepted, and no `query` parameter. With a
    query, Strawberry runs it instead of rendering the page, so that is an API call like any other."""
    if scope["method"] != "GET" or b"text/html" not in headers.get(b"accept", b""):
        return False
    return "query" not in parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


async def _refuse(send, message: str) -> None:
    response = refusal(401, "UNAUTHENTICATED", message, headers={"WWW-Authenticate": "Bearer"})
    await response({"type": "http"}, None, send)
