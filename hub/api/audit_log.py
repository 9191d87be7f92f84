"""The audit trail in the API: `auditLog` for regulators (who read or was refused enterprise
data, and which signed-in person did) and `myAccessLog` for an enterprise (who read its own,
archived years included: the institution and kind of client, not the officer's name)."""

from __future__ import annotations

import datetime as dt
import logging

import strawberry
from graphql import GraphQLError

from auth.audit.archive import ArchiveError
from auth.audit.reads import AuditRecord, access_log_for, audit_log
from auth.principal import ClientKind
from hub.api.context import Info
from hub.api.errors import bad_user_input, checked_moment, checked_uscc, shown
from hub.api.pagination import bounded

logger = logging.getLogger(__name__)


@strawberry.type(description="The person signed in to the console who made an audited request.")
class AuditPerson:
    id: str = strawberry.field(
        description="Their account id: local:<username>, or oidc:<provider>:<subject>."
    )
    name: str | None = strawberry.field(description="Their name as their account gave it then.")


@strawberry.type(description="One audited request: who read which enterprises' data, and why.")
class AuditEntry:
    seq: int = strawberry.field(description="Its place in the hash chain.")
    at: dt.datetime
    client_id: str
    kind: str
    institution: str | None
    operation: str
    enterprises: list[str]
    purpose: str | None
    outcome: str
    consent_ids: list[str] = strawberry.field(
        description="The consents a bank's or insurer's read was made under."
    )
    fields: list[str] = strawberry.field(
        description="What was asked for, two levels deep, e.g. financingProfile.exports."
    )
    persons: list[str] | None = strawberry.field(
        description="The person keys whose credit profile was read (personal data: pii:read)."
    )
    hash: str
    request_id: str | None = strawberry.field(
        description="The request's id (its X-Request-ID), as in the hub's log lines."
    )
    person: AuditPerson | None = strawberry.field(
        default=None,
        description=(
            "The person signed in to the console who made the request; null for a client's "
            "own request (client credentials), and always in myAccessLog."
        ),
    )


def _person(record: AuditRecord) -> AuditPerson | None:
    if record.person is None:
        return None
    return AuditPerson(id=record.person, name=record.person_name)


def _audit_entries(records: list[AuditRecord], *, people: bool) -> list[AuditEntry]:
    """The entries of `records`; with `people`, each names the person who signed in."""
    return [
        AuditEntry(
            seq=r.seq,
            at=r.at,
            client_id=r.client_id,
            kind=r.kind.value,
            institution=r.institution,
            operation=r.operation,
            enterprises=list(r.enterprises),
            purpose=r.purpose,
            outcome=r.outcome.value,
            consent_ids=list(r.consent_ids),
            fields=list(r.fields),
            persons=list(r.persons),
            hash=r.hash,
            request_id=r.request_id,
            person=_person(r) if people else None,
        )
        for r in records
    ]


@strawberry.input
class AuditFilter:
    client_id: str | None = None
    kind: str | None = None
    uscc: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    person: str | None = strawberry.field(
        default=None,
        description="Only the requests of this signed-in person (their account id).",
    )


def _audit_kind(kind: str | None) -> str | None:
    """The client kind an audit filter names, or a BAD_USER_INPUT naming the argument."""
    known = [k.value for k in ClientKind]
    if kind is not None and kind not in known:
        raise bad_user_input(
            f"filter.kind {shown(kind)!r} is not a client kind; use one of {', '.join(known)}",
            argument="filter.kind",
        )
    return kind


def _audit_page(info: Info, first: int | None, after_seq: int | None) -> tuple[int, int | None]:
    size = bounded(first, info.context.services.settings.limits.audit_log)
    if after_seq is not None and after_seq < 1:
        raise bad_user_input("afterSeq must be a seq from a previous page", argument="afterSeq")
    return size, after_seq


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Who read or was refused enterprise data, newest first.")
    async def audit_log(
        self,
        info: Info,
        filter: AuditFilter | None = None,
        first: int | None = None,
        after_seq: int | None = None,
    ) -> list[AuditEntry] | None:
        size, after = _audit_page(info, first, after_seq)
        f = filter or AuditFilter()
        services = info.context.services
        records = await audit_log(
            services.driver,
            services.database,
            client_id=f.client_id,
            kind=_audit_kind(f.kind),
            uscc=checked_uscc(f.uscc) if f.uscc else None,
            since=checked_moment(f.since, "filter.since"),
            until=checked_moment(f.until, "filter.until"),
            person=f.person,
            first=size,
            after_seq=after,
        )
        return _audit_entries(records, people=True)

    @strawberry.field(description="An enterprise's own access log: who read its data, when, why.")
    async def my_access_log(
        self, info: Info, first: int | None = None, after_seq: int | None = None
    ) -> list[AuditEntry] | None:
        """Each read names the institution, the kind of client, the operation and purpose, but
        never the officer (`person` is null): an officer's name is their personal data, and the
        institution answers for its officers' reads, as a credit report's query record (查询
        记录) names the querying institution and reason only. SPEC section 5 promises the
        enterprise who read its data and why, which the institution is; a regulator following
        up an objection finds the person in `auditLog`."""
        uscc = info.context.principal.enterprise_uscc
        if uscc is None:
            raise bad_user_input("only an enterprise client has an access log of its own")
        size, after = _audit_page(info, first, after_seq)
        services = info.context.services
        try:
            records = await access_log_for(
                services.driver,
                services.database,
                uscc,
                first=size,
                after_seq=after,
                archive=services.audit_archive,
            )
        except ArchiveError as error:
            # the file's path and contents are the operators' business, not the enterprise's
            logger.error("myAccessLog cannot read the audit archive: %s", error)
            raise GraphQLError(
                "the archived part of this access log cannot be read now (the hub's operators "
                "are told); the records still in the graph are those before afterSeq",
                extensions={"code": "ARCHIVE_UNAVAILABLE"},
            ) from None
        return _audit_entries(records, people=False)
