"""GraphQL errors a client can fix, tagged with a client error code so tools can tell them from bugs."""

from __future__ import annotations

from graphql import GraphQLError


def user_error(message: str, reason: str = "BAD_USER_INPUT") -> GraphQLError:
    """An error the caller caused: `extensions.code` is BAD_USER_INPUT, `extensions.reason` says which kind."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "reason": reason})


def not_found(what: str, key: str, hint: str) -> GraphQLError:
    return user_error(f"No {what} '{key}'. {hint}", "NOT_FOUND")


MAX_ID = 300


def check_id(node_id: str) -> str:
    """Refuse an id that no record can have, before any database call."""
    if not node_id or len(node_id) > MAX_ID or any(ord(ch) < 32 for ch in node_id):
        raise user_error(f"'{node_id[:60]}' is not a valid record id (1 to {MAX_ID} printable characters).",
                         "INVALID_ID")
    return node_id
