"""Who may sign in with single sign-on, with which role; the sign-in settings. No database."""

from __future__ import annotations

import pytest

from registry.config import Settings, SignIn
from registry.domain.enums import AccessRole
from registry.services.sign_in import SignInRefused, role_for
from registry.web.session import local_path


def test_role_from_groups_and_domains() -> None:
    rules = SignIn(oidc_issuer="https://idp.example", oidc_client_id="c", oidc_client_secret="s",
                   oidc_role_map=(("dpo-team", "EDITOR"), ("admins", "ADMIN")),
                   oidc_allowed_domains=("januscaler.example",))
    alice = {"sub": "a", "email": "alice@januscaler.example", "groups": ["dpo-team", "admins"]}
    assert role_for(alice, rules) == AccessRole.ADMIN
    assert role_for({**alice, "groups": "dpo-team"}, rules) == AccessRole.EDITOR
    with pytest.raises(SignInRefused, match="none of the groups"):
        role_for({**alice, "groups": ["marketing"]}, rules)
    with pytest.raises(SignInRefused, match="januscaler.example"):
        role_for({**alice, "email": "alice@elsewhere.example"}, rules)
    with pytest.raises(SignInRefused, match="verified"):
        role_for({**alice, "email_verified": False}, rules)
    open_to_all = SignIn(oidc_issuer="https://idp.example", oidc_client_id="c", oidc_client_secret="s")
    assert role_for({"sub": "x"}, open_to_all) == AccessRole.VIEWER


def test_sign_in_settings_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="GROUP=ROLE"):
        Settings.from_env({"REGISTRY_OIDC_ISSUER": "https://idp", "REGISTRY_OIDC_CLIENT_ID": "c",
                           "REGISTRY_OIDC_CLIENT_SECRET": "s", "REGISTRY_OIDC_ROLE_MAP": "dpo-team=OWNER"})
    with pytest.raises(ValueError, match="REGISTRY_OIDC_CLIENT_ID"):
        Settings.from_env({"REGISTRY_OIDC_ISSUER": "https://idp"})
    s = Settings.from_env({"REGISTRY_OIDC_ISSUER": "https://idp", "REGISTRY_OIDC_CLIENT_ID": "c",
                           "REGISTRY_OIDC_CLIENT_SECRET": "s",
                           "REGISTRY_OIDC_ROLE_MAP": "dpo-team=editor, admins=ADMIN",
                           "REGISTRY_OIDC_ALLOWED_DOMAINS": "@Januscaler.example",
                           "REGISTRY_SESSION_IDLE_MINUTES": "15"})
    assert s.sign_in.oidc_role_map == (("dpo-team", "EDITOR"), ("admins", "ADMIN"))
    assert s.sign_in.oidc_allowed_domains == ("januscaler.example",) and s.sign_in.idle_minutes == 15


@pytest.mark.parametrize("candidate", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                       "javascript:alert(1)", "", None, "graphql", "/x\r\nSet-Cookie: a=b"])
def test_next_never_leaves_the_registry(candidate: str | None) -> None:
    assert local_path(candidate) == "/graphql"


def test_next_keeps_local_paths_with_their_query() -> None:
    assert local_path("/organizations/januscaler/records-of-processing.xlsx?role=all") == \
        "/organizations/januscaler/records-of-processing.xlsx?role=all"
