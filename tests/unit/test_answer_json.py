"""GraphQL answers are written as compact UTF-8 JSON (registry/graphql/http.py `encode_json`)."""

from __future__ import annotations

import json

from registry.graphql.http import RegistryGraphQL


def encode(data: object) -> bytes:
    return RegistryGraphQL.encode_json(object.__new__(RegistryGraphQL), data)


def test_an_answer_is_compact_utf8_json() -> None:
    data = {"data": {"organization": {"legalName": "Société Générale", "tags": ["a", None, 1, 2.5, True]}}}
    body = encode(data)
    assert json.loads(body) == data
    assert "Société".encode() in body and b", " not in body and b": " not in body


def test_a_number_beyond_64_bits_is_still_written() -> None:
    # orjson refuses integers beyond 64 bits; the standard library writes them.
    assert json.loads(encode({"n": 2**70})) == {"n": 2**70}
