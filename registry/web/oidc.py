"""Single sign-on with the organisation's identity provider: OpenID Connect, authorization code with PKCE.

Authlib's Starlette client does the protocol (discovery, PKCE, state and nonce, the code exchange, the ID token's
signature and claims); it keeps the sign-in's state in Starlette's signed, HttpOnly session cookie for the few
minutes the sign-in takes. On top, the registry checks that every answer names the configured issuer (the
discovery document, the `iss` of the authorization response (RFC 9207), the ID token), reads the person's groups
from the ID token and the userinfo endpoint, and applies the role map and the email-domain allow-list. Every
refusal is a page saying what went wrong and what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from pymongo.errors import PyMongoError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from registry.config import SignIn
from registry.services.sign_in import SignInRefused, open_session, person, role_for
from registry.storage.sessions import SessionStore
from registry.web import pages
from registry.web.auth import database_unavailable
from registry.web.session import local_path, set_session_cookie

LEEWAY_SECONDS = 60
"""Clock difference tolerated between the identity provider and the registry when checking the ID token."""


class SingleSignOn:
    """The `/login` redirect to the provider and the `/auth/callback` it answers to."""

    def __init__(self, rules: SignIn, store_getter: Callable[[], SessionStore]):
        assert rules.oidc_issuer
        self.rules, self.store_getter, self.issuer = rules, store_getter, rules.oidc_issuer
        oauth = OAuth()
        self.client: Any = oauth.register(
            "idp", client_id=rules.oidc_client_id, client_secret=rules.oidc_client_secret,
            server_metadata_url=self.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": rules.oidc_scopes, "code_challenge_method": "S256"})

    def redirect_uri(self, request: Request) -> str:
        if self.rules.public_url:
            return self.rules.public_url.rstrip("/") + "/auth/callback"
        return str(request.url_for("oidc-callback"))

    async def _metadata(self) -> dict[str, Any] | Response:
        """The provider's discovery document, refused unless it names the configured issuer exactly."""
        try:
            metadata: dict[str, Any] = await self.client.load_server_metadata()
        except (httpx.HTTPError, ValueError) as e:
            return pages.refusal("The identity provider cannot be reached", f"The registry could not read the "
                                 f"identity provider's settings at {self.issuer} ({type(e).__name__}). Try again in a "
                                 "minute; if it persists, tell the registry's administrator.", 502)
        stated = metadata.get("issuer")
        if stated != self.issuer:
            self.client.server_metadata.clear()  # read it again next time, in case the setting is corrected
            return pages.refusal("Wrong identity provider", f"The identity provider at {self.issuer} says it is "
                                 f"'{stated}'. REGISTRY_OIDC_ISSUER must be exactly the issuer its "
                                 "discovery document states; tell the registry's administrator.", 502, retry=None)
        return metadata

    async def start(self, request: Request, next_path: str) -> Response:
        metadata = await self._metadata()
        if isinstance(metadata, Response):
            return metadata
        request.session["next"] = next_path
        response: Response = await self.client.authorize_redirect(request, self.redirect_uri(request))
        return response

    async def callback(self, request: Request) -> Response:
        q = request.query_params
        retry = f"/login?next={quote(local_path(request.session.get('next')), safe='/')}"
        if q.get("error"):
            return pages.refusal("The identity provider did not sign you in", f"It answered '{q['error']}'"
                                 f"{': ' + q['error_description'] if q.get('error_description') else ''}. "
                                 "Sign in again, or ask your identity provider's administrator.", 403, retry)
        if not q.get("code") or not q.get("state"):
            return pages.refusal("Not a sign-in answer", "This address receives the identity provider's answer "
                                 "during sign-in; it was opened without one. Start at the sign-in page.", 400, retry)
        if "iss" in q and q["iss"] != self.issuer:  # RFC 9207: the answer names who sent it (mix-up defence)
            return pages.refusal("Sign-in answer from the wrong identity provider", f"The answer says it comes "
                                 f"from '{q['iss']}', but this registry signs in with {self.issuer}. Nothing was "
                                 "signed in. Start again from this registry's sign-in page.", 400, retry)
        metadata = await self._metadata()
        if isinstance(metadata, Response):
            return metadata
        try:
            token = await self.client.authorize_access_token(
                request, leeway=LEEWAY_SECONDS, claims_options={"iss": {"essential": True, "value": self.issuer}})
            claims = dict(token.get("userinfo") or {})
            if not claims.get("sub"):
                raise MissingClaimError("sub")
            if metadata.get("userinfo_endpoint"):
                extra = dict(await self.client.userinfo(token=token))
                if extra.get("sub") != claims["sub"]:
                    raise InvalidClaimError("sub")
                claims = {**extra, **claims}
            role = role_for(claims, self.rules)
        except MismatchingStateError:
            return pages.refusal("Sign-in could not be matched to this browser", "The answer's state does not "
                                 "match a sign-in started in this browser: it was started in another browser, took "
                                 "longer than ten minutes, was already completed, or was tampered with. Nothing was "
                                 "signed in. Start again.", 400, retry)
        except OAuthError as e:
            return pages.refusal("The identity provider refused the sign-in code", f"It answered "
                                 f"'{e.error}'{': ' + e.description if e.description else ''}. A sign-in code works "
                                 "once, for a short time: this one was already used or has expired. Nothing was "
                                 "signed in. Start again.", 400, retry)
        except ExpiredTokenError:
            return pages.refusal("The sign-in had already expired", "The identity provider's ID token had expired "
                                 "when it reached the registry. If this happens every time, the clock of the "
                                 "identity provider or of the registry is wrong: tell the administrator. Nothing "
                                 "was signed in.", 400, retry)
        except InvalidClaimError as e:
            what = {"iss": f"was issued by another identity provider than {self.issuer}",
                    "aud": "was issued to another application", "nonce": "belongs to another sign-in",
                    "sub": "names another person than the provider's user information"}.get(e.claim, f"has an "
                                                                                         f"invalid '{e.claim}'")
            return pages.refusal("The sign-in was not accepted", f"The ID token {what}. Nothing was signed in. "
                                 "Start again from this registry's sign-in page.", 400, retry)
        except JoseError as e:
            return pages.refusal("The sign-in was not accepted", f"The ID token did not pass its checks "
                                 f"({e.error}: {e.description or type(e).__name__}). Nothing was signed in.",
                                 400, retry)
        except httpx.HTTPError as e:
            return pages.refusal("The identity provider cannot be reached", f"Exchanging the sign-in code failed "
                                 f"({type(e).__name__}). Try again in a minute.", 502, retry)
        except SignInRefused as e:
            return pages.refusal(e.title, e.detail, 403, retry=None)
        name = str(claims.get("email") or claims.get("name") or claims["sub"])
        try:
            sid = await open_session(self.store_getter(), self.rules, person(claims), role, "sso", name)
        except PyMongoError:
            return database_unavailable()
        response = RedirectResponse(local_path(request.session.pop("next", None)), 303)
        set_session_cookie(response, sid, request, self.rules)
        return response
