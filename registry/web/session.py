"""Browser sessions in front of the token check: a valid session cookie authenticates as a bearer token does.

The cookie holds a random session id (the database keeps only its hash): HttpOnly, SameSite=Lax, Secure (and
`__Host-` named) under HTTPS, ending after idle or absolute limits. A request that changes anything with only a
cookie must be one a cross-site page cannot forge: a JSON body (what GraphiQL sends; a form cannot), or an
`X-Requested-With` header, and no foreign `Origin`. A browser that opens a page needing sign-in without a session
is sent to `/login` and back. Requests with an `Authorization` header go on to the token check unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from pymongo.errors import PyMongoError
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from registry.config import SignIn
from registry.services.sign_in import resume
from registry.storage.repositories import Repositories
from registry.storage.sessions import SessionStore
from registry.web.auth import PUBLIC, database_unavailable
from registry.web.errors import error_response

COOKIE, SECURE_COOKIE = "registry_session", "__Host-registry_session"
OPEN_PATHS = frozenset({"/login", "/logout", "/auth/callback", "/favicon.ico"})
"""Pages anyone may open: signing in and out, and the icon browsers ask for by themselves."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_TYPES = frozenset({"application/json", "application/graphql-response+json"})


def is_secure(conn: HTTPConnection, rules: SignIn) -> bool:
    return conn.url.scheme == "https" or (rules.public_url or "").startswith("https://")


def session_id(conn: HTTPConnection) -> str | None:
    return conn.cookies.get(SECURE_COOKIE) or conn.cookies.get(COOKIE)


def set_session_cookie(response: Response, value: str, conn: HTTPConnection, rules: SignIn) -> None:
    secure = is_secure(conn, rules)
    response.set_cookie(SECURE_COOKIE if secure else COOKIE, value, max_age=rules.max_hours * 3600, path="/",
                        secure=secure, httponly=True, samesite="lax")


def clear_session_cookie(response: Response) -> None:
    for name in (COOKIE, SECURE_COOKIE):
        response.delete_cookie(name, path="/", secure=name == SECURE_COOKIE, httponly=True, samesite="lax")


def local_path(candidate: str | None, default: str = "/graphql") -> str:
    """`next` only ever leads back into the registry: a path on this site, never another site's address."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in candidate):
        return default
    return candidate


def own_origins(conn: HTTPConnection, rules: SignIn) -> set[str]:
    origins = {f"{conn.url.scheme}://{conn.url.netloc}"}
    if rules.public_url:
        p = urlsplit(rules.public_url)
        origins.add(f"{p.scheme}://{p.netloc}")
    return origins


def cross_site(conn: HTTPConnection, rules: SignIn) -> bool:
    """The browser says the request comes from another origin. `Origin: null` (sent under a no-referrer policy,
    as the registry's own pages have) says nothing either way; Sec-Fetch-Site, which browsers send on every
    request, then decides."""
    origin = conn.headers.get("origin")
    if origin and origin != "null" and origin not in own_origins(conn, rules):
        return True
    return conn.headers.get("sec-fetch-site") in ("cross-site", "same-site")


def forgery_refused(conn: HTTPConnection, rules: SignIn) -> Response | None:
    """The CSRF rule for requests that change something and are authenticated only by the cookie."""
    if cross_site(conn, rules):
        return error_response(403, "Refused: this change came from another site with your browser's session. "
                              "Make changes from the registry's own pages, or send an API token.", "FORBIDDEN")
    media = conn.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in JSON_TYPES or conn.headers.get("x-requested-with"):
        return None
    return error_response(403, "Refused: a change made with a browser session must be sent as JSON "
                          "(Content-Type: application/json, as GraphiQL does) or carry an X-Requested-With header; "
                          "form posts are not accepted. Tools should send 'Authorization: Bearer <token>'.",
                          "FORBIDDEN")


def wants_page(scope: Scope, headers: Headers) -> bool:
    """A person's browser opening an address (not a script fetching data)."""
    return scope["method"] in ("GET", "HEAD") and "text/html" in headers.get("accept", "")


class SessionGate:
    """ASGI middleware placed before TokenGuard: a live session cookie sets `state["token"]` (and `state["user"]`
    for a person signed in by single sign-on), which TokenGuard then accepts."""

    def __init__(self, app: ASGIApp, repos_getter: Callable[[], Repositories],
                 store_getter: Callable[[], SessionStore], rules: SignIn, required: bool = True):
        self.app, self.repos_getter, self.store_getter = app, repos_getter, store_getter
        self.rules, self.required = rules, required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.required:
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        conn = HTTPConnection(scope)
        if scope["path"] in OPEN_PATHS:
            state["public"] = True
            await self.app(scope, receive, send)
            return
        if conn.headers.get("authorization"):  # tools: the token check, unchanged
            await self.app(scope, receive, send)
            return
        cookie = session_id(conn)
        if cookie:
            try:
                live = await resume(self.store_getter(), self.repos_getter(), cookie, self.rules)
            except PyMongoError:
                await database_unavailable()(scope, receive, send)
                return
            if live is not None:
                refused = None if scope["method"] in SAFE_METHODS else forgery_refused(conn, self.rules)
                if refused is not None:
                    await refused(scope, receive, send)
                    return
                state.update(token=live.token, user=live.user, session=live.session)
                await self.app(scope, receive, send)
                return
        if PUBLIC.fullmatch(scope["path"]):
            await self.app(scope, receive, send)
            return
        if wants_page(scope, conn.headers):
            target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
            response: Response = RedirectResponse(f"/login?next={quote(local_path(target), safe='/')}", 303)
            if cookie:
                clear_session_cookie(response)
            await response(scope, receive, send)
            return
        if cookie:  # a page (GraphiQL) whose session ended while it was open
            response = error_response(401, "Your sign-in session has ended (signed out, unused for too long, or "
                                      "past its time limit). Sign in again at /login.", "UNAUTHENTICATED")
            clear_session_cookie(response)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
