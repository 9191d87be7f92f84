"""The cost rule prices a list field by the size the resolver will use: the same query costs
the same however it is written, and every list size comes from the one limits table.

Against the hub's real schema (no database): the expected costs are counted by hand below.
"""

from __future__ import annotations

import pytest
from graph_kit import hub_settings
from graphql import (
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
)

from hub.api.cost import CostRule, operation_variables
from hub.api.schema import build_schema
from hub.settings import SIZED_FIELDS, Bound, FieldLimits


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(hub_settings())._schema


def priced(
    schema: GraphQLSchema,
    query: str,
    given: dict[str, object] | None = None,
    limits: FieldLimits | None = None,
) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    rule = CostRule(schema, limits or FieldLimits())
    return rule.cost(operation, fragments, operation_variables(operation, given))


def test_the_same_page_costs_the_same_however_it_is_written(schema: GraphQLSchema) -> None:
    # enterprises' default page is 20: 1 for the field, 20 times its one selected field
    expected = 1 + 20 * 1
    assert priced(schema, "{ enterprises { totalCount } }") == expected
    assert priced(schema, "{ enterprises(first: 20) { totalCount } }") == expected
    by_variable = "query($n: Int) { enterprises(first: $n) { totalCount } }"
    assert priced(schema, by_variable, {"n": 20}) == expected
    assert priced(schema, by_variable, {}) == expected  # left out: the resolver's default
    assert priced(schema, by_variable, {"n": None}) == expected  # null: the default too
    with_default = "query($n: Int = 20) { enterprises(first: $n) { totalCount } }"
    assert priced(schema, with_default) == expected


def test_a_given_size_counts_for_what_it_asks(schema: GraphQLSchema) -> None:
    assert priced(schema, "{ enterprises(first: 50) { edges { node { uscc name } } } }") == (
        1 + 50 * (1 + 1 * (1 + 1 * 2))
    )
    assert priced(schema, "query($n: Int) { enterprises(first: $n) { totalCount } }", {"n": 7}) == (
        1 + 7
    )


def test_a_graph_without_a_limit_costs_its_default_nodes(schema: GraphQLSchema) -> None:
    # relationshipGraph returns up to 500 nodes when no limit is given: it must cost that much
    query = '{ relationshipGraph(uscc: "x") { nodes { key } } }'
    assert priced(schema, query) == 1 + 500 * (1 + 1)
    assert priced(schema, '{ relationshipGraph(uscc: "x", limit: 10) { nodes { key } } }') == (
        1 + 10 * 2
    )


def test_nested_lists_and_fragments_use_their_own_entries(schema: GraphQLSchema) -> None:
    # the rating history inside a credit profile: 20 by default
    query = (
        '{ creditProfile(uscc: "x") { ...P } } '
        "fragment P on CreditProfile { grade history { grade score } }"
    )
    assert priced(schema, query) == 1 + 1 * (1 + (1 + 20 * 2))
    inline = '{ creditProfile(uscc: "x") { ... on CreditProfile { history(first: 3) { grade } } } }'
    assert priced(schema, inline) == 1 + (1 + 3 * 1)


def test_entities_count_their_representations(schema: GraphQLSchema) -> None:
    query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    assert priced(schema, query, {"r": [{}, {}, {}]}) == 1 + 3
    assert priced(schema, query, {"r": [{}] * 500}) == 1 + 500


def test_the_table_in_settings_sets_the_price(schema: GraphQLSchema) -> None:
    small = FieldLimits(enterprises=Bound(default=5, maximum=10))
    assert priced(schema, "{ enterprises { totalCount } }", limits=small) == 1 + 5
    # the other entries keep their defaults
    assert priced(schema, "{ riskAlerts { totalCount } }", limits=small) == 1 + 50


def test_a_default_above_its_maximum_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="default 300 is above maximum 100"):
        Bound(default=300, maximum=100)
    assert Bound(default=100, maximum=100).maximum == 100


def test_every_sized_argument_of_the_schema_is_in_the_table(schema: GraphQLSchema) -> None:
    found: set[tuple[str, str]] = set()
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            if {"first", "limit", "months"} & set(field.args):
                found.add((type_.name, name))
    sized_by_argument = {key for key, (argument, _) in SIZED_FIELDS.items() if argument}
    assert found == sized_by_argument
    for (type_name, field_name), (argument, entry) in SIZED_FIELDS.items():
        type_ = schema.get_type(type_name)
        assert isinstance(type_, GraphQLObjectType)
        assert field_name in type_.fields
        assert argument is None or argument in type_.fields[field_name].args
        assert isinstance(FieldLimits().of(entry), Bound)


def test_a_lowered_maximum_alone_brings_the_default_down() -> None:
    limits = FieldLimits.model_validate({"enterprises": {"maximum": 10}})
    assert limits.enterprises == Bound(default=10, maximum=10)
    raised = FieldLimits.model_validate({"enterprises": {"maximum": 300}})
    assert raised.enterprises == Bound(default=20, maximum=300)  # the twin: default kept


def test_the_replaced_page_size_settings_stop_the_hub_naming_their_replacement() -> None:
    with pytest.raises(ValueError, match="HUB_MAX_PAGE_SIZE is replaced by the limits table"):
        hub_settings(max_page_size=10)
    with pytest.raises(ValueError, match="set HUB_LIMITS__ENTERPRISES__DEFAULT"):
        hub_settings(default_page_size=10)
    assert hub_settings().limits.enterprises == Bound(default=20, maximum=100)
