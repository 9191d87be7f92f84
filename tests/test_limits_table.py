"""Every list field and graph walk takes its default and largest size from the one limits table
in settings (`HUB_LIMITS__<NAME>__DEFAULT` / `__MAXIMUM`), not from constants of its own.

A hub served with every entry set to default 1, maximum 2: each field refuses 3 with an error
naming the table's maximum, and accepts 2 (its allowed twin).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from graph_kit import DATABASE, HeldClock, hub_settings, served, token_for
from neo4j import AsyncDriver

from hub.localdb import free_port
from hub.settings import Bound, FieldLimits

USCC = "91350100M000100Y43"
SMALL = Bound(default=1, maximum=2)
TABLE = FieldLimits(**{name: SMALL for name in FieldLimits.model_fields})


@pytest.fixture(scope="module")
def small_url(
    neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory, session_clock: HeldClock
) -> Iterator[str]:
    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=tmp_path_factory.mktemp("hub-small-limits"),
        port=free_port(),
        limits=TABLE,
    )
    with served(settings, session_clock) as url:
        yield url


# (client kind, the field's query with the size as $n, the argument the error names)
FIELDS = {
    "enterprises": ("regulator", "query($n: Int) { enterprises(first: $n) { totalCount } }"),
    "jointPunishmentList": (
        "regulator",
        "query($n: Int) { jointPunishmentList(first: $n) { pageInfo { hasNextPage } } }",
    ),
    "jointIncentiveList": (
        "regulator",
        "query($n: Int) { jointIncentiveList(first: $n) { pageInfo { hasNextPage } } }",
    ),
    "riskAlerts": (
        "regulator",
        "query($n: Int) { riskAlerts(first: $n) { pageInfo { hasNextPage } } }",
    ),
    "objections": (
        "regulator",
        "query($n: Int) { objections(first: $n) { pageInfo { hasNextPage } } }",
    ),
    "changesSince": ("regulator", "query($n: Int) { changesSince(first: $n) { cursor } }"),
    "auditLog": ("admin", "query($n: Int) { auditLog(first: $n) { seq } }"),
    "myAccessLog": ("enterprise", "query($n: Int) { myAccessLog(first: $n) { seq } }"),
    "history": (
        "regulator",
        f'query($n: Int) {{ creditProfile(uscc: "{USCC}") {{ history(first: $n) {{ grade }} }} }}',
    ),
    "relationshipGraph.limit": (
        "regulator",
        f'query($n: Int) {{ relationshipGraph(uscc: "{USCC}", limit: $n) {{ truncated }} }}',
    ),
    "relationshipGraph.depth": (
        "regulator",
        f'query($n: Int) {{ relationshipGraph(uscc: "{USCC}", depth: $n) {{ truncated }} }}',
    ),
    "paths.maxHops": (
        "regulator",
        f'query($n: Int) {{ paths(from: "{USCC}", to: "{USCC}", maxHops: $n) '
        "{ nodes { key } } }",
    ),
}
FIELDS["tradeReconciliation.months"] = (
    "regulator",
    f'query($n: Int) {{ tradeReconciliation(uscc: "{USCC}", months: $n) {{ months }} }}',
)
ARGUMENT = {"relationshipGraph.limit": "limit", "relationshipGraph.depth": "depth"}
ARGUMENT["paths.maxHops"] = "maxHops"
ARGUMENT["tradeReconciliation.months"] = "months"


async def ask(url: str, token: str, query: str, n: int) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": {"n": n}},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("field", list(FIELDS))
async def test_every_list_takes_its_maximum_from_the_table(
    graph: AsyncDriver, small_url: str, field: str
) -> None:
    await graph.execute_query(
        "CREATE (:Enterprise {uscc: $u, name: 'Limits Trading Co.', zone: 'KAIFENG', "
        "status: 'ACTIVE', registeredOn: date('2018-03-01')})",
        u=USCC,
        database_=DATABASE,
    )
    kind, query = FIELDS[field]
    token = await token_for(
        small_url, graph, kind, institution=USCC if kind == "enterprise" else None
    )
    argument = ARGUMENT.get(field, "first")

    refused = await ask(small_url, token, query, 3)
    errors = refused["errors"]
    assert isinstance(errors, list) and len(errors) == 1
    assert errors[0]["message"] == f"{argument} must be between 1 and 2, got 3"
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}

    allowed = await ask(small_url, token, query, 2)
    assert "errors" not in allowed, allowed
