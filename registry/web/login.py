"""Signing in and out from a browser: `/login`, `/logout`, and the routes of single sign-on when configured.

Without an identity provider (the embedded default), `/login` is a form that takes an API token once and opens
a session for it; the session speaks for that token (its role, its name in the history) and ends when the token
is revoked. With one, `/login` goes to the provider (see web/oidc.py).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

from pymongo.errors import PyMongoError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from registry.config import SignIn
from registry.services.sign_in import end_session, open_session, resume
from registry.services.tokens import verify
from registry.storage.repositories import Repositories
from registry.storage.sessions import SessionStore
from registry.web import pages
from registry.web.auth import database_unavailable
from registry.web.session import clear_session_cookie, cross_site, local_path, session_id, set_session_cookie

MAX_TOKEN_CHARS = 200


def sign_in_routes(rules: SignIn, repos_getter: Callable[[], Repositories],
                   store_getter: Callable[[], SessionStore], auth_required: bool = True) -> list[BaseRoute]:
    """The routes of signing in and out, for the settings given."""
    sso = None
    if rules.single_sign_on:
        from registry.web.oidc import SingleSignOn  # Authlib is only loaded where single sign-on is used

        sso = SingleSignOn(rules, store_getter)

    async def login(request: Request) -> Response:
        next_path = local_path(request.query_params.get("next"))
        if not auth_required:
            return RedirectResponse(next_path, 303)
        if request.method == "GET" and (sid := session_id(request)):
            try:
                if await resume(store_getter(), repos_getter(), sid, rules):
                    return RedirectResponse(next_path, 303)  # already signed in
            except PyMongoError:
                return database_unavailable()
        if sso is not None:
            if request.method == "POST":
                return pages.refusal("Sign in with single sign-on", "This registry signs people in through your "
                                     "organisation's identity provider, not with API tokens.", 400)
            return await sso.start(request, next_path)
        if request.method == "GET":
            return pages.token_form(next_path)
        if cross_site(request, rules):
            return pages.refusal("Sign-in refused", "The sign-in form was sent from another site. Open /login "
                                 "on this registry and sign in there.", 403)
        # The form is URL-encoded (the stdlib parses it; no multipart parser needed for two fields).
        form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=5)
        text, next_path = (form.get("token") or [""])[0].strip(), local_path((form.get("next") or [""])[0])
        if not text:
            return pages.token_form(next_path, "Paste your API token (it starts with rgy_).", 400)
        try:
            token = await verify(repos_getter(), text[:MAX_TOKEN_CHARS])
            if token is None:
                return pages.token_form(next_path, "That API token is not valid or has been revoked. Check that you "
                                        "pasted the whole token (rgy_…), or ask an admin for a new one.", 401)
            sid = await open_session(store_getter(), rules, f"token:{token.key}", token.role, "token", token.name,
                                     token.key)
        except PyMongoError:
            return database_unavailable()
        response = RedirectResponse(next_path, 303)
        set_session_cookie(response, sid, request, rules)
        return response

    async def logout(request: Request) -> Response:
        sid = session_id(request)
        if request.method == "GET":
            try:
                live = await resume(store_getter(), repos_getter(), sid, rules) if sid else None
            except PyMongoError:
                return database_unavailable()
            return pages.sign_out_form(live.session.name if live else None)
        if cross_site(request, rules):
            return pages.refusal("Sign-out refused", "The sign-out form was sent from another site. Open /logout "
                                 "on this registry to sign out.", 403, retry="/logout")
        if sid:
            try:
                await end_session(store_getter(), sid)
            except PyMongoError:
                return database_unavailable()
        response = pages.signed_out()
        clear_session_cookie(response)
        return response

    async def favicon(request: Request) -> Response:
        # Browsers ask for it on every new page: answer "no icon" rather than a 401 in the console.
        return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})

    routes: list[BaseRoute] = [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["GET", "POST"]),
        Route("/favicon.ico", favicon),
    ]
    if sso is not None:
        routes.append(Route("/auth/callback", sso.callback, name="oidc-callback"))
    return routes
