"""GraphQL errors a client can fix, tagged with a client error code so tools can tell them from bugs."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry import relay


def user_error(message: str, reason: str = "BAD_USER_INPUT") -> GraphQLError:
    """An error the caller caused: `extensions.code` is BAD_USER_INPUT, `extensions.reason` says which kind."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "reason": reason})


def not_found(what: str, key: str, hint: str) -> GraphQLError:
    return user_error(f"No {what} '{key}'. {hint}", "NOT_FOUND")


MAX_ID = 300


def id_problem(gid: relay.GlobalID, type_name: str | None = None) -> str | None:
    """What is wrong with a global ID given for a record (of `type_name`, when given), or None: checked before
    any database call."""
    node_id = gid.node_id
    if not node_id or len(node_id) > MAX_ID or any(ord(ch) < 32 for ch in node_id):
        return f"'{str(node_id)[:60]}' is not a valid record id (1 to {MAX_ID} printable characters)."
    if type_name is not None and gid.type_name != type_name:
        return f"'{str(gid)[:80]}' is the global ID of a {gid.type_name}, not of a {type_name}."
    return None


def check_id(gid: relay.GlobalID, type_name: str | None = None) -> str:
    """The record id of a global ID, or a user error saying what is wrong with it."""
    problem = id_problem(gid, type_name)
    if problem:
        raise user_error(problem, "INVALID_ID")
    return gid.node_id
