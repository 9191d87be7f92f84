"""Property: no mutation of a validly signed batch gets through verification.

Whatever is changed (a character of any member, a member removed, added or swapped), the
batch either fails verification or, if the change is invisible to the bytes that were signed,
yields exactly the payload that was signed. Nothing else can come out.
"""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.client import BatchSigner, encode_payload
from connectors.signing import SignatureProblem, generate_key, import_jwk, public_jwk, verify
from graph_schema.model import Department

KEY = generate_key("EdDSA", "mut-k1")
PUBLIC = import_jwk(public_jwk(KEY))
RECORDS = [
    {"uscc": "91350100M000100Y43", "name": "A Co.", "zone": "KAIFENG", "registeredOn": "2021-05-01"}
]
DOCUMENT = BatchSigner("samr-mut", Department.SAMR, KEY).sign("samr.enterprise@1", RECORDS, 1)
SIGNED_PAYLOAD = verify(dict(DOCUMENT), PUBLIC, "EdDSA")
MEMBERS = ("payload", "protected", "signature")
ALPHABET = string.ascii_letters + string.digits + "-_=+/. {}\"'"


@st.composite
def mutations(draw: st.DrawFn) -> dict[str, object]:
    document: dict[str, object] = dict(DOCUMENT)
    kind = draw(st.sampled_from(["char", "drop", "add", "swap", "truncate", "retype"]))
    member = draw(st.sampled_from(MEMBERS))
    value = str(document[member])
    if kind == "char" and value:
        i = draw(st.integers(0, len(value) - 1))
        c = draw(st.sampled_from(ALPHABET))
        document[member] = value[:i] + c + value[i + 1 :]
    elif kind == "drop":
        del document[member]
    elif kind == "add":
        document[draw(st.sampled_from(["header", "signatures", "extra"]))] = {"alg": "none"}
    elif kind == "swap":
        other = draw(st.sampled_from([m for m in MEMBERS if m != member]))
        document[member], document[other] = document[other], document[member]
    elif kind == "truncate" and value:
        document[member] = value[: draw(st.integers(0, len(value) - 1))]
    elif kind == "retype":
        document[member] = draw(st.one_of(st.none(), st.integers(), st.lists(st.integers())))
    return document


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(mutations())
def test_a_mutated_batch_never_verifies_to_other_content(document: dict[str, object]) -> None:
    try:
        payload = verify(document, PUBLIC, "EdDSA")  # type: ignore[arg-type]
    except SignatureProblem:
        return
    # only a mutation that left every member as it was can verify
    assert document == dict(DOCUMENT)
    assert payload == SIGNED_PAYLOAD


def test_the_unmutated_batch_verifies() -> None:
    assert json.loads(SIGNED_PAYLOAD)["records"] == RECORDS
    assert encode_payload(DOCUMENT)
