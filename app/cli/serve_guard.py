"""Who may use ``kalshi-dash serve``: this run's token, the right Host and Origin, a few sessions.

textual-serve answers any request: a web page on another origin could open ``/ws``, read the
screen (positions included), type keys and start a dashboard process per socket. :class:`Guard`
is an aiohttp middleware that lets a request through only when

* its ``Host`` header names the address served (so a DNS-rebound name is refused),
* its ``Origin`` header, when it has one, is that same address (so other pages are refused),
* it carries this run's random token, as ``?token=`` or as the cookie set when the printed URL
  was opened (compared in constant time), except for textual-serve's static files, and
* for ``/ws``, fewer than ``max_sessions`` dashboard sessions are running.

:class:`GuardedServer` is textual-serve's server with the guard installed, serving on a socket
bound before the URL is printed (so the printed URL works at once, and ``--port 0`` does too).
"""

from __future__ import annotations

import hmac
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from textual_serve.server import Server

COOKIE = "kalshi_dash_token"
TOKEN_PARAMETER = "token"
SESSION_PATH = "/ws"
PUBLIC_PREFIX = "/static/"  # textual-serve's scripts, styles and fonts: nothing of the user's
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    """A fresh random token for one run of the server."""
    return secrets.token_urlsafe(24)


def host_header(host: str, port: int) -> str:
    """``host:port`` as a browser writes it in a ``Host`` header (IPv6 in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def allowed_hosts(bound: str, port: int, loopback: bool) -> frozenset[str] | None:
    """The ``Host`` headers that name the server bound to ``bound``:``port``; None when it is
    bound to every address (any name may reach it then: the token still guards it)."""
    if bound in ("", "0.0.0.0", "::"):
        return None
    names = {bound, "localhost", "127.0.0.1", "::1"} if loopback else {bound}
    headers = {host_header(name, port) for name in names}
    if port == 80:  # a browser leaves the default port out of Host
        headers |= {f"[{name}]" if ":" in name else name for name in names}
    return frozenset(headers)


@dataclass
class Guard:
    """The checks of one server run (see the module's docstring)."""

    token: str
    hosts: frozenset[str] | None
    max_sessions: int
    sessions: int = 0

    def refusal(self, request: web.Request) -> str:
        """Why ``request`` is refused ("" when it is not), in a few words."""
        if self.hosts is not None and request.host not in self.hosts:
            return "this server is not reached by that name"
        origin = request.headers.get("Origin")
        if origin is not None and origin not in (f"http://{request.host}", f"https://{request.host}"):
            return "requests from other sites are refused"
        if request.path.startswith(PUBLIC_PREFIX):
            return ""
        if not self._has_token(request):
            return "open the URL that kalshi-dash serve printed (it holds this run's token)"
        return ""

    def _has_token(self, request: web.Request) -> bool:
        given = request.query.get(TOKEN_PARAMETER) or request.cookies.get(COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Refuse what :meth:`refusal` refuses; count and cap the sessions of ``/ws``."""
        refusal = self.refusal(request)
        if refusal:
            raise web.HTTPForbidden(text=f"kalshi-dash serve: {refusal}\n")
        if TOKEN_PARAMETER in request.query and request.path == "/":
            response = web.HTTPSeeOther("/")  # the page again, the token out of the address bar
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict", path="/")
            raise response
        if request.path != SESSION_PATH:
            return await handler(request)
        if self.sessions >= self.max_sessions:
            raise web.HTTPServiceUnavailable(
                text=f"kalshi-dash serve: {self.max_sessions} dashboard session(s) already open "
                     "(--max-sessions); close one first\n")
        self.sessions += 1
        try:
            return await handler(request)
        finally:
            self.sessions -= 1


class GuardedServer(Server):
    """textual-serve's :class:`Server` behind a :class:`Guard`, serving on a bound socket."""

    def __init__(self, command: str, listening: socket.socket, guard: Guard, title: str) -> None:
        host, port = listening.getsockname()[:2]
        super().__init__(command, host=host, port=port, title=title,
                         public_url=f"http://{host_header(host, port)}")
        self.listening = listening
        self.guard = guard

    async def _make_app(self) -> web.Application:
        # textual-serve 1.x builds its aiohttp application here, with no public hook before the
        # application is frozen: the one place this module relies on its internals.
        app = await super()._make_app()
        app.middlewares.append(self.guard.middleware)
        return app

    def initialize_logging(self) -> None:
        """Leave logging as kalshi-dash set it (textual-serve's own would print tracebacks with
        their local variables)."""

    async def on_startup(self, app: web.Application) -> None:
        """Print nothing: kalshi-dash serve printed the URL to open."""

    def serve(self, debug: bool = False) -> None:
        """Serve on the bound socket until Ctrl-C; requests are not logged (URLs hold the token)."""
        self.debug = debug
        web.run_app(self._make_app(), sock=self.listening, print=None, access_log=None)
