"""How the service is served: uvicorn's settings in one place, for `lineagegraph serve` and the
tests' live service alike, with a limit uvicorn lacks on how slowly a request may arrive."""

from __future__ import annotations

import asyncio

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.config import Settings
from app.http.app import create_app


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol that closes a connection whose request line and headers have not
    all arrived `header_timeout` seconds after the connection opened or the request began. uvicorn
    itself waits for headers forever, so a client sending a byte now and then (slowloris) holds a
    connection as long as it likes; the body is bounded by the RequestDeadline middleware
    (app/http/app.py). Module-level, so worker processes can import it by name."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        # Armed once per request: bytes trickling in never push it back.
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def protocol_with_header_timeout(seconds: float) -> type[HttpToolsProtocol]:
    """The header-timeout protocol with its limit set (for a server in this process)."""
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": seconds})


def worker_app():
    """The app of one worker process (`serve --workers N`): uvicorn starts each worker afresh and
    calls this there, so everything comes from the environment the parent set up."""
    settings = Settings()
    HeaderTimeoutProtocol.header_timeout = settings.body_read_timeout
    return create_app(settings)


def uvicorn_config(app, settings: Settings, *, host: str | None = None, port: int | None = None,
                   workers: int = 1) -> uvicorn.Config:
    """The server around the app: its address, the read timeout, a bounded graceful stop. With
    several workers the app is built in each of them (`worker_app`), named rather than passed."""
    several = workers > 1
    return uvicorn.Config(
        "app.http.serving:worker_app" if several else app,
        factory=several,
        workers=workers,
        host=host or settings.host,
        port=port or settings.port,
        http="app.http.serving:HeaderTimeoutProtocol" if several else protocol_with_header_timeout(settings.body_read_timeout),
        log_config=None,
        lifespan="on",
        proxy_headers=True,
        # In-flight requests get this long to finish on SIGTERM/SIGINT; each is bounded by the
        # request deadline anyway.
        timeout_graceful_shutdown=10,
    )
