"""Which media type a GraphQL answer is sent as, and the status it then carries."""

from __future__ import annotations

import json

import pytest

from hub.api.media import as_graphql_response, wants_graphql_response


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (None, False),
        ("", False),
        ("application/json", False),
        ("*/*", False),
        ("application/graphql-response+json", True),
        ("application/graphql-response+json, application/json", True),
        ("application/json, application/graphql-response+json", False),
        ("application/json;q=0.9, application/graphql-response+json", True),
        ("application/graphql-response+json;q=0", False),
        ("application/graphql-response+json;q=0.5, */*;q=0.8", False),
    ],
)
def test_the_preferred_media_type(accept: str | None, wanted: bool) -> None:
    assert wants_graphql_response(accept) is wanted


def test_a_request_error_is_400_without_data() -> None:
    body = json.dumps({"data": None, "errors": [{"message": "Syntax Error"}]}).encode()
    status, sent = as_graphql_response(body)
    assert status == 400 and json.loads(sent) == {"errors": [{"message": "Syntax Error"}]}


def test_an_executed_request_is_200_even_with_field_errors() -> None:
    answer = {"data": {"enterprise": None}, "errors": [{"message": "no", "path": ["enterprise"]}]}
    body = json.dumps(answer).encode()
    assert as_graphql_response(body) == (200, body)
    nulled = json.dumps({"data": None, "errors": [{"message": "x", "path": ["a"]}]}).encode()
    assert as_graphql_response(nulled)[0] == 200  # a non-null root field failed: executed
