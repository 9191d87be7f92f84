"""Agencies' data coming in: signed batches, their record types (what each names and how it
is written), connector keys, and the ingest pipeline.

May import: `graph_schema`. Never `auth` or `hub`: the hub hands the pipeline what it needs.
"""

from connectors.client import BatchSigner, push
from connectors.envelope import BatchPayload
from connectors.pipeline import Limits, Outcome, Pipeline, Problem, Status
from connectors.records import RECORD_TYPES, RecordType, validate_records
from connectors.signing import SignatureProblem, generate_key, public_jwk, sign, verify

__all__ = [
    "RECORD_TYPES",
    "BatchPayload",
    "BatchSigner",
    "Limits",
    "Outcome",
    "Pipeline",
    "Problem",
    "RecordType",
    "SignatureProblem",
    "Status",
    "generate_key",
    "public_jwk",
    "push",
    "sign",
    "validate_records",
    "verify",
]
