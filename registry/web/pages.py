"""The few HTML pages of signing in and out: the token form, refusals that say what to do, signed out."""

from __future__ import annotations

import html

from starlette.responses import HTMLResponse

PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

STYLE = ("body{font:15px/1.5 system-ui,sans-serif;background:#f4f6f9;color:#1d2733;margin:0}"
         "main{max-width:34em;margin:10vh auto;background:#fff;padding:2em 2.4em;border-radius:8px;"
         "box-shadow:0 1px 4px #0002}h1{font-size:1.4em;margin-top:0}label{display:block;font-weight:600}"
         "input[type=password]{width:100%;box-sizing:border-box;padding:.55em;font:inherit;margin:.4em 0 1em}"
         "button,.button{background:#2456a6;color:#fff;border:0;padding:.6em 1.2em;border-radius:4px;font:inherit;"
         "cursor:pointer;text-decoration:none;display:inline-block}.error{background:#fdecea;border-left:4px solid "
         "#b3261e;padding:.6em 1em;margin:0 0 1em}.hint{color:#5b6673;font-size:.9em}code{background:#eef1f5;"
         "padding:0 .25em}")


def page(title: str, body: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """A page with the registry's look; `body` is HTML the caller has escaped."""
    doc = (f"<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport "
           f"content='width=device-width,initial-scale=1'><title>{html.escape(title)} · Registry</title>"
           f"<style>{STYLE}</style></head><body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>")
    return HTMLResponse(doc, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


def token_form(next_path: str, error: str | None = None, status: int = 200) -> HTMLResponse:
    """Sign-in where no identity provider is configured: an API token, typed once, opens a session."""
    e = html.escape
    problem = f"<p class=error role=alert>{e(error)}</p>" if error else ""
    return page("Sign in to the registry", (
        f"{problem}<form method=post action='/login'>"
        "<label for=token>Your API token</label>"
        "<input id=token name=token type=password autocomplete=off required placeholder='rgy_…' autofocus>"
        f"<input type=hidden name=next value='{e(next_path)}'>"
        "<button type=submit>Sign in</button></form>"
        "<p class=hint>The token is checked once and not kept by the browser: you get a session that ends after "
        "a while without use, or when you sign out. The first start of the registry printed an admin token; "
        "an admin makes one for you with <code>registry token create --role viewer --name 'Your Name'</code>."
        "</p>"), status)


def refusal(title: str, detail: str, status: int, retry: str | None = "/login") -> HTMLResponse:
    """A sign-in that did not succeed: what happened and what to do next."""
    again = f"<p><a class=button href='{html.escape(retry)}'>Try again</a></p>" if retry else ""
    return page(title, f"<p class=error role=alert>{html.escape(detail)}</p>{again}", status)


def signed_out() -> HTMLResponse:
    return page("You are signed out", "<p>Your session has ended on this registry.</p>"
                "<p><a class=button href='/login'>Sign in again</a></p>")


def sign_out_form(who: str | None) -> HTMLResponse:
    e = html.escape
    line = f"<p>Signed in as <strong>{e(who)}</strong>.</p>" if who else "<p>You are not signed in.</p>"
    return page("Sign out", f"{line}<form method=post action='/logout'><button type=submit>Sign out</button></form>")
