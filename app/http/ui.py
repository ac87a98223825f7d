"""The registry UI at `/`: the single-page app built from `ui/` (Vite writes it to `ui/dist`), served
as static files with the client routes falling back to its `index.html`, and GraphiQL bundled from
npm (`graphiql.html`), served at `GET /graphql` and `/graphiql` from the same files, so neither needs
the internet.

The pages hold no data, so they need no token (the authentication middleware guards only the API and
document paths); every call they make to `/graphql`, `/exports/…` and `/reports/…` carries the token
pasted on the sign-in page, or reads anonymously where that is on. When the UI was not built, `/` and
the GraphiQL page say how to build it instead of answering 404.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from app.core.config import Settings

# Paths that belong to the service, never to the UI's client routes: an unknown one is a 404, not
# the app's page (a mistyped API path must not answer 200 with HTML).
SERVICE_PREFIXES = ("graphql", "graphiql", "api", "exports", "reports", "healthz", "readyz", "assets")

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lineagegraph: the UI is not built</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;line-height:1.5;padding:0 1rem}}
code,pre{{background:#f1f3f5;padding:2px 4px;border-radius:3px}}</style></head>
<body><main>
<h1>The registry UI is not built</h1>
<p>This service serves the UI from <code>{directory}</code>, which holds no <code>{page}</code>.
<code>./dev serve</code> builds it when Node.js 20 and npm are installed; by hand:</p>
<pre>cd ui &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>(or point <code>LINEAGEGRAPH_UI_DIR</code> at a built copy). The API answers meanwhile at
<code>POST /graphql</code>; see README "UI".</p>
</main></body></html>
"""

# Hashed file names: a build never changes a file under the same name.
_IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
# The pages name the current hashed files, so a browser asks again after every deploy.
_REVALIDATE = {"Cache-Control": "no-cache"}


class UiFiles:
    """The built UI in one directory: `index.html`, `graphiql.html` and `assets/`."""

    def __init__(self, directory: Path):
        self.directory = directory

    def page(self, name: str) -> Response:
        """One of the built pages, or the page saying how to build the UI."""
        path = self.directory / name
        if path.is_file():
            return FileResponse(path, media_type="text/html", headers=_REVALIDATE)
        return HTMLResponse(NOT_BUILT.format(directory=self.directory, page=name), headers=_REVALIDATE)

    def graphiql(self) -> Response:
        return self.page("graphiql.html")

    async def index(self, request: Request) -> Response:
        return self.page("index.html")

    async def graphiql_page(self, request: Request) -> Response:
        return self.graphiql()

    async def not_found(self, request: Request, exc: Exception) -> Response:
        """What no route answers: a client route (`/entity/…`, `/impact?…`) asked for with GET is the
        app's page; a file the build put at the top (an icon) is that file; anything else, and any
        unknown service path, is Starlette's plain 404 as before — no error code, so a client (the
        pipeline CLI) tells "nothing is served here" from "this endpoint refused". (The app's 404
        handler rather than a catch-all route, so a known path asked with the wrong method stays 405.)"""
        path = request.url.path.lstrip("/")
        first = path.split("/", 1)[0]
        nowhere = PlainTextResponse("Not Found", status_code=404)
        if request.method not in ("GET", "HEAD") or first in SERVICE_PREFIXES:
            return nowhere
        if "/" not in path and "." in path:
            top = self.directory / path
            if path not in ("index.html", "graphiql.html") and top.is_file():
                return FileResponse(top, headers=_REVALIDATE)
            return nowhere
        return self.page("index.html")


class _HashedAssets(StaticFiles):
    """`/assets/…` with a long cache: Vite names each file after its content. Before a build there is
    no directory, and every asset is a 404 (not a 500)."""

    async def check_config(self) -> None:
        if self.directory is not None and Path(self.directory).is_dir():
            await super().check_config()

    async def get_response(self, path: str, scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers.update(_IMMUTABLE)
        return response


def routes(files: UiFiles, *, graphiql: bool) -> list[BaseRoute]:
    """The UI's own routes (GraphiQL's only while LINEAGEGRAPH_GRAPHIQL is on); its client routes are
    answered by `files.not_found`, the app's 404 handler."""
    return [
        Route("/", files.index, methods=["GET", "HEAD"]),
        *([Route("/graphiql", files.graphiql_page, methods=["GET", "HEAD"])] if graphiql else []),
        Mount("/assets", app=_HashedAssets(directory=files.directory / "assets", check_dir=False)),
    ]


def ui_files(settings: Settings) -> UiFiles:
    return UiFiles(Path(settings.ui_dir))
