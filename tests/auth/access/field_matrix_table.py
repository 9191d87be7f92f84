"""The access matrix as data: what each client kind, and each bank's or insurer's consent,
gets of each field. Written by reading auth/catalog.json, README ("Who sees what", "For banks
and insurers") and docs/conformance.md as a reviewer would; nothing here asks auth.policy or
reads the catalog. test_field_matrix.py runs every cell through the served hub.

Columns (every ClientKind; the subject is E1 of field_matrix_zone.py):

    cu ta sa co sm   customs, tax, safe, commerce, samr: the supervising departments
    rg en cn pb ad   regulator, enterprise (E1's own client), connector, public, admin
    no E C F EC EF ECF
                     a bank, and likewise an insurer ("Same footing as a bank", catalog), with
                     the consents E1 (and E2, E3) gave it: none, or covering enterprise:read (E),
                     credit:read (C), financing:read (F), or those together

Cells (the outcome names follow how the API answers):

    A  ALLOWED: the value, no error
    M  MASKED: the value masked (a person's surname only: "Wang *")
    L  PUBLISHED LISTS ONLY: the value, without any trace of the unpublished SAFE class C entry
       (its id, its list, its measures); where a column says A instead, the trace is there
    S  REFUSED, missing scope: null, FORBIDDEN with reason missing_scope
    P  REFUSED, not public: null, FORBIDDEN with reason not_public
    N  REFUSED, no consent: null, FORBIDDEN with reason no_consent (the caller has the scope,
       the enterprise's consent does not cover the scope the field's data belongs to)
    F  REFUSED by the operation: null, FORBIDDEN without a reason (only for the enterprise
       itself, or only for departments)
    U  REFUSED as a bad request: null, BAD_USER_INPUT
    H  HIDDEN: null, empty or left out, with no error, as for data that does not exist
       (an enterprise outside the caller's rows)
    .  not reached: every field above it is refused, hidden or empty for this column

How the lender columns were read: an enterprise exists for a bank only under a consent
covering enterprise:read ("enterprise:read (that it exists, its registry data)"), so C or F
alone shows nothing of it; credit:read covers "the rating, each department's classification,
list entries and status, change feed", and "a consent bounds every field that carries its
scope's data, whatever the path"; financing:read covers the financing profile. The
consolidated lists are published: any bank reads their published rows, consent or not.
"""

from __future__ import annotations

from typing import Final

KINDS: Final = (
    "customs",
    "tax",
    "safe",
    "commerce",
    "samr",
    "regulator",
    "enterprise",
    "connector",
    "public",
    "admin",
)
CONSENTS: Final = ("no", "E", "C", "F", "EC", "EF", "ECF")
LENDERS: Final = ("bank", "insurer")
COLUMNS: Final = (*KINDS, *(f"lender/{c}" for c in CONSENTS))

ALLOWED: Final = frozenset("AML")
REFUSED: Final = frozenset("SPNFU")
CODES: Final = ALLOWED | REFUSED | frozenset("H.")

TABLE: Final = """
# root fields
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
Query.enterprise                            A  A  A  A  A   A  A  S  A  A   H  A  H  H  A  A  A
Query.enterprises                           A  A  A  A  A   A  A  S  A  A   A  A  A  A  A  A  A
Query._entities                             A  A  A  A  A   A  A  S  A  A   H  A  H  H  A  A  A
Query._service                              A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
Query.creditProfile                         A  A  A  A  A   A  A  S  P  A   H  H  H  H  A  H  A
Query.providerProfile                       A  A  A  A  A   A  A  S  P  A   H  H  H  H  A  H  A
Query.measuresFor                           A  A  A  A  A   A  A  S  P  A   H  H  H  H  A  H  A
Query.financingProfile                      S  S  S  S  S   S  S  S  P  H   H  H  H  H  H  A  A
Query.jointPunishmentList                   A  A  A  A  A   A  A  S  L  A   L  L  L  L  L  L  L
Query.jointIncentiveList                    A  A  A  A  A   A  A  S  A  A   A  A  A  A  A  A  A
Query.changesSince                          A  A  A  A  A   A  A  S  P  A   A  A  A  A  A  A  A
Query.objections                            A  A  A  A  A   A  A  S  P  A   F  F  F  F  F  F  F
Query.myObjections                          S  S  S  S  S   S  A  S  P  F   S  S  S  S  S  S  S
Query.repairApplications                    A  A  A  A  A   A  A  S  P  A   S  S  S  S  S  S  S
Query.myRepairApplications                  S  S  S  S  S   S  A  S  P  F   S  S  S  S  S  S  S
Query.myConsents                            S  S  S  S  S   S  A  S  P  F   S  S  S  S  S  S  S
Query.myAccessLog                           S  S  S  S  S   S  A  S  P  U   S  S  S  S  S  S  S
Query.auditLog                              S  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S
Query.relationshipGraph                     S  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S
Query.paths                                 S  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S
Query.ultimateOwners                        S  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S
Query.riskAlerts                            S  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S
Query.statistics                            S  S  S  A  S   A  S  S  P  A   S  S  S  S  S  S  S
Query.tradeReconciliation                   A  A  A  S  S   A  S  S  P  A   S  S  S  S  S  S  S
Query.personCreditProfile                   S  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S

# Enterprise (enterprise, enterprises, _entities; uscc and name also nested)
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
Enterprise.uscc                             A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.name                             A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.nameEn                           A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.zone                             A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.industryBelt                     A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.registeredOn                     A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.status                           A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.legalRepresentative              A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.officers                         A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.shareholders                     A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.addresses                        A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Enterprise.holdings                         A  A  A  A  A   A  H  .  A  A   .  A  .  .  A  A  A
Enterprise.filings                          A  A  A  A  A   A  A  .  P  A   .  A  .  .  A  A  A
Enterprise.penalties                        A  A  A  A  A   A  A  .  P  A   .  S  .  .  S  S  S
Enterprise.listEntries                      A  A  A  A  A   A  A  .  L  A   .  N  .  .  L  N  L
Enterprise.classifications                  A  A  A  A  A   A  A  .  P  A   .  N  .  .  A  N  A
Enterprise.declarations                     A  S  S  S  S   A  A  .  P  A   .  N  .  .  N  A  A
Enterprise.returns                          A  S  S  S  S   A  A  .  P  A   .  N  .  .  N  A  A
Enterprise.exportReceipts                   S  S  A  S  S   A  A  .  P  A   .  N  .  .  N  A  A
Enterprise.taxRefunds                       S  A  S  S  S   A  A  .  P  A   .  N  .  .  N  A  A
Enterprise.overseasWarehouses               A  S  S  A  S   A  A  .  P  A   .  N  .  .  N  A  A
Enterprise.loans                            S  S  S  S  S   A  A  .  P  A   .  N  .  .  N  A  A

# the enterprises page
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
EnterpriseConnection.edges                  A  A  A  A  A   A  A  .  A  A   H  A  H  H  A  A  A
EnterpriseConnection.pageInfo               A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
EnterpriseConnection.totalCount             A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
EnterpriseEdge.cursor                       A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
EnterpriseEdge.node                         A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
PageInfo.hasNextPage                        A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
PageInfo.hasPreviousPage                    A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
PageInfo.startCursor                        A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
PageInfo.endCursor                          A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A

# persons and registry ties (a lender without an enterprise:read consent reaches no person: the
# joint lists show it the listed subjects only, and the zone lists no person)
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
Person.personKey                            S  S  S  S  S   A  S  .  P  A   .  S  .  .  S  S  S
Person.name                                 A  A  A  A  A   A  A  .  M  A   .  A  .  .  A  A  A
Person.idMasked                             S  S  S  S  S   A  S  .  P  A   .  S  .  .  S  S  S
LegalRepresentative.person                  A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
LegalRepresentative.since                   A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
LegalRepresentative.until                   A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Officer.person                              A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Officer.role                                A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Officer.since                               A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Officer.until                               A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Shareholder.person                          A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Shareholder.ratio                           A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Shareholder.since                           A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Shareholder.until                           A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
Shareholder.enterprise                      A  A  A  A  A   A  H  .  A  A   .  A  .  .  A  A  A
Holding.enterprise                          A  A  A  A  A   A  .  .  A  A   .  A  .  .  A  A  A
Holding.ratio                               A  A  A  A  A   A  .  .  A  A   .  A  .  .  A  A  A
Holding.since                               A  A  A  A  A   A  .  .  A  A   .  A  .  .  A  A  A
Holding.until                               A  A  A  A  A   A  .  .  A  A   .  A  .  .  A  A  A
RegisteredAddress.text                      A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
RegisteredAddress.since                     A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
RegisteredAddress.until                     A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A

# records held against an enterprise
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
Filing.id                                   A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Filing.kind                                 A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Filing.filedOn                              A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Filing.sharedWith                           A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Filing.source                               A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Filing.filedWith                            A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Filing.documentNo                           A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Filing.title                                A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Filing.batch                                A  A  A  A  A   A  A  .  .  A   .  A  .  .  A  A  A
Penalty.withdrawnOn                         A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.objectionStatus                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.objectionFiledAt                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.objectionResolvedOn                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.id                                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.department                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.caseNo                              A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.severity                            A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.amountCny                           A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.decidedOn                           A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
# P-1, SAMR's, was repaired on 2026-01-10: from then only its subject, SAMR and audit get it
# (NDRC Order 36 art. 3); the other departments see P-2 alone, MINOR, never public or repaired
# (P-3, customs' penalty in publicity for the credit record, gives every department a publicUntil)
Penalty.publicUntil                         A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.repairedOn                          H  H  H  H  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.source                              A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
Penalty.batch                               A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ListEntry.withdrawnOn                       A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.objectionStatus                   A  A  A  A  A   A  A  .  P  A   .  .  .  .  A  .  A
ListEntry.objectionFiledAt                  A  A  A  A  A   A  A  .  P  A   .  .  .  .  A  .  A
ListEntry.objectionResolvedOn               A  A  A  A  A   A  A  .  P  A   .  .  .  .  A  .  A
ListEntry.id                                A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.list                              A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.department                        A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.listedOn                          A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.expiresOn                         A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.removedOn                         A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.reason                            A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.basis                             A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
ListEntry.source                            A  A  A  A  A   A  A  .  P  A   .  .  .  .  A  .  A
ListEntry.batch                             A  A  A  A  A   A  A  .  P  A   .  .  .  .  A  .  A
Classification.withdrawnOn                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.objectionStatus              A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.objectionFiledAt             A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.objectionResolvedOn          A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.id                           A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.department                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.scheme                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.value                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.effectiveFrom                A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.effectiveTo                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.source                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Classification.batch                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A

# the shared records on Enterprise (issue 19): customs reads declarations and returns, SAFE
# receipts, tax refunds, customs and commerce warehouses, supervisors loans; a lender only
# under a consent covering financing:read (N under E or EC) and only its own loans; the
# enterprise its own (self:read); E1 has two of each but loans (one per lender column)
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
DeclarationConnection.edges                 A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
DeclarationConnection.pageInfo              A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
DeclarationConnection.totalCount            A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
DeclarationConnection.totalValueCny         A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
DeclarationEdge.cursor                      A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
DeclarationEdge.node                        A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.id                              A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.mode                            A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.direction                       A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.declaredOn                      A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.valueCny                        A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.destination                     A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.hsCode                          A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.source                          A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Declaration.batch                           A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ReturnConnection.edges                      A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ReturnConnection.pageInfo                   A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ReturnConnection.totalCount                 A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ReturnConnection.totalValueCny              A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ReturnEdge.cursor                           A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ReturnEdge.node                             A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Return.id                                   A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Return.declarationId                        A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Return.returnedOn                           A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Return.valueCny                             A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Return.reason                               A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Return.source                               A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Return.batch                                A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceiptConnection.edges               .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceiptConnection.pageInfo            .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceiptConnection.totalCount          .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceiptConnection.totalAmountCny      .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceiptConnection.byCurrency          .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceiptEdge.cursor                    .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceiptEdge.node                      .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.id                            .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.receivedOn                    .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.amount                        .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.currency                      .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.amountCny                     .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.payerCountry                  .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.bank                          .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.bankUscc                      .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.declarationId                 .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.orderId                       .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.source                        .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
ExportReceipt.batch                         .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefundConnection.edges                   .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefundConnection.pageInfo                .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefundConnection.totalCount              .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefundConnection.totalAmountCny          .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefundConnection.byStatus                .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefundEdge.cursor                        .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefundEdge.node                          .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefund.id                                .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefund.claimedOn                         .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefund.amountCny                         .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefund.status                            .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefund.paidOn                            .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefund.source                            .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
TaxRefund.batch                             .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouseConnection.edges           A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouseConnection.pageInfo        A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouseConnection.totalCount      A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouseConnection.totalStockCny    A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouseEdge.cursor                A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouseEdge.node                  A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.id                        A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.name                      A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.country                   A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.city                      A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.stockValueCny             A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.stockAsOf                 A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.since                     A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.until                     A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.source                    A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
OverseasWarehouse.batch                     A  .  .  A  .   A  A  .  .  A   .  .  .  .  .  A  A
LoanConnection.edges                        .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
LoanConnection.pageInfo                     .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
LoanConnection.totalCount                   .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
LoanConnection.totalAmountCny               .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
LoanConnection.byStatus                     .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
LoanEdge.cursor                             .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
LoanEdge.node                               .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Loan.id                                     .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Loan.lender                                 .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Loan.amountCny                              .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Loan.grantedOn                              .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Loan.dueOn                                  .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Loan.status                                 .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Loan.source                                 .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Loan.batch                                  .  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
StatusTotal.status                          .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
StatusTotal.count                           .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
StatusTotal.amountCny                       .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
CurrencyTotal.currency                      .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
CurrencyTotal.count                         .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
CurrencyTotal.amount                        .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
CurrencyTotal.amountCny                     .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A

# providers (providerProfile of E1, which is its own payment firm, carrier, bank and premises
# operator): a volume needs its department's scope; customs reads the carrier's and
# operator's, which carry no amount
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
ProviderProfile.uscc                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.asOf                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.windowFrom                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.roles                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.score                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.grade                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.gradeLabel                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.forcedBy                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.modelVersion                A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.base                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.volumes                     A  S  A  S  S   A  S  .  .  A   .  .  .  .  S  .  S
ProviderVolume.role                         A  .  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ProviderVolume.documents                    A  .  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ProviderVolume.amountCny                    H  .  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
# the mismatches count only the roles whose volume the caller reads (none: no count at all)
ProviderProfile.mismatches                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  S  .  S
ProviderMismatches.roles                    A  H  A  H  H   A  H  .  .  A   .  .  .  .  .  .  .
ProviderMismatches.documents                A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderMismatches.mismatched               A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderMismatches.percent                  A  H  A  H  H   A  H  .  .  A   .  .  .  .  .  .  .
ProviderMismatches.reasons                  A  H  A  H  H   A  H  .  .  A   .  .  .  .  .  .  .
MismatchReason.reason                       A  .  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
MismatchReason.documents                    A  .  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ProviderProfile.penalties                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  S  .  S
ProviderPenalty.id                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderPenalty.department                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderPenalty.severity                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderPenalty.decidedOn                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderPenalty.publicUntil                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderPenalty.repairedOn                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderPenalty.counted                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ProviderProfile.listEntries                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  L  .  L
ProviderProfile.premises                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
SupervisedPremises.id                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
SupervisedPremises.kind                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
SupervisedPremises.name                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
SupervisedPremises.customsCode              A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
SupervisedPremises.approvedOn               A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
SupervisedPremises.status                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
SupervisedPremises.validUntil               A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
SupervisedPremises.inOperation              A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ProviderProfile.factors                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  S  .  S

# the credit profile
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
CreditProfile.uscc                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.asOf                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.score                         A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.grade                         A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.gradeLabel                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.forcedBy                      A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.modelVersion                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.base                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.treatment                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.classifications               A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.statutoryMeasures             A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
StatutoryMeasure.department                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
StatutoryMeasure.measure                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
StatutoryMeasure.basis                      A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
StatutoryMeasure.scheme                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
StatutoryMeasure.value                      A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
StatutoryMeasure.regime                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
StatutoryMeasure.trigger                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
StatutoryMeasure.since                      A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.history                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditProfile.factors                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  S  .  S
# E1's data-quality findings are the tax bureau's to fix (refund class 2 beside tax D and SAFE
# C): the other departments get none, a lender under credit:read lacks credit:explain
CreditProfile.dataQualityFindings           H  A  H  H  H   A  A  .  .  A   .  .  .  .  S  .  S
CreditProfile.listEntries                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  L  .  L
CreditProfile.measures                      A  A  A  A  A   A  A  .  .  A   .  .  .  .  L  .  L
# objections to records the caller may not see (SAFE-C-1) are not its to read:
# served A to lenders today (test_field_matrix.SERVER_WRONG)
CreditProfile.objections                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  L  .  L
GradeTreatment.name                         A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
GradeTreatment.measures                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingFactor.code                           A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
RatingFactor.points                         A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
RatingFactor.reason                         A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
RatingFactor.basis                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
RatingFactor.evidence                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
RatingFactor.paths                          A  A  A  A  A   A  H  .  .  A   .  .  .  .  .  .  .
DataQualityFinding.rule                     .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
DataQualityFinding.department               .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
DataQualityFinding.message                  .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
DataQualityFinding.detail                   .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
DataQualityFinding.evidence                 .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
DataQualityFinding.basis                    .  A  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
PathNode.label                              A  A  A  A  A   A  .  .  .  A   .  .  .  .  .  .  .
PathNode.key                                A  A  A  A  A   A  .  .  .  A   .  .  .  .  .  .  .
PathNode.relationship                       A  A  A  A  A   A  .  .  .  A   .  .  .  .  .  .  .
PathNode.personKey                          S  S  S  S  S   A  .  .  .  A   .  .  .  .  .  .  .
DepartmentClassification.id                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
DepartmentClassification.department         A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
DepartmentClassification.scheme             A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
DepartmentClassification.value              A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
DepartmentClassification.effectiveFrom      A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
DepartmentClassification.effectiveTo        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditListEntry.id                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditListEntry.list                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditListEntry.department                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditListEntry.listedOn                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditListEntry.expiresOn                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditListEntry.removedOn                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditListEntry.inForce                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingSnapshot.score                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingSnapshot.grade                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingSnapshot.forcedBy                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingSnapshot.modelVersion                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingSnapshot.asOf                         A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingSnapshot.computedAt                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingSnapshot.supersededAt                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RatingSnapshot.treatment                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A

# joint measures (measuresFor, CreditProfile.measures); measuresFor is asked for BANK, which
# has no statutory measures and no zone services (treatment is ZONE_ADMIN's)
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
EnterpriseMeasures.uscc                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
EnterpriseMeasures.department               A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
EnterpriseMeasures.asOf                     A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
EnterpriseMeasures.grade                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
EnterpriseMeasures.gradeLabel               A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
EnterpriseMeasures.treatment                H  H  H  H  H   H  H  .  .  H   .  .  .  .  H  .  H
EnterpriseMeasures.statutory                H  H  H  H  H   H  H  .  .  H   .  .  .  .  H  .  H
EnterpriseMeasures.measures                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  L  .  L
AppliedMeasures.kind                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
AppliedMeasures.list                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
AppliedMeasures.cause                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
AppliedMeasures.relation                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
AppliedMeasures.validUntil                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
AppliedMeasures.measures                    A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
AppliedMeasures.items                       A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
AppliedMeasures.path                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CoverageStep.label                          A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
CoverageStep.key                            A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
CoverageStep.relationship                   A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
CoverageStep.personKey                      S  S  S  S  S   A  S  .  P  A   S  S  S  S  S  S  S

# the consolidated joint-punishment list
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
JointListConnection.edges                   A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListConnection.pageInfo                A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListConnection.totalCount              A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEdge.cursor                        A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEdge.node                          A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.id                           A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.list                         A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.cause                        A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.department                   A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.subjectType                  A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.uscc                         A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.enterpriseName               A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
# the public and lenders see the listed subjects only (here enterprises), never the persons
# the hub covers as responsible for them
JointListEntry.person                       A  A  A  A  A   A  H  .  H  A   H  H  H  H  H  H  H
JointListEntry.subjectRole                  A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.relation                     A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.zone                         A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.depth                        A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.validFrom                    A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.validUntil                   A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.withdrawnOn                  A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.path                         A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.evidence                     A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.measures                     A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.basis                        A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
JointListEntry.rulesVersion                 A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
DepartmentMeasures.department               A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
DepartmentMeasures.measures                 A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
DepartmentMeasures.items                    A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
LegalMeasure.measure                        A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
LegalMeasure.basis                          A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A

# objections
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
Objection.id                                A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.recordId                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.recordKind                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.department                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.uscc                              A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.reason                            A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.filedAt                           A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.status                            A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.resolvedOn                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
Objection.resolution                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
ObjectionConnection.edges                   A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ObjectionConnection.pageInfo                A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ObjectionConnection.totalCount              A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ObjectionEdge.cursor                        A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
ObjectionEdge.node                          A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .

# repair applications: the deciding department's (SAMR's, for P-1), audit's, the enterprise's
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
RepairApplication.id                        .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.recordId                  .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.recordKind                .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.department                .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.uscc                      .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.correction                .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.commitment                .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.filedAt                   .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.status                    .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.eligibleFrom              .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.regime                    .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.basis                     .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.decidedOn                 .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplication.decision                  .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
# another department's queue holds none of SAMR's applications
RepairApplicationConnection.edges           H  H  H  H  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplicationConnection.pageInfo        A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplicationConnection.totalCount      A  A  A  A  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplicationEdge.cursor                .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairApplicationEdge.node                  .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .

# the financing profile
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
FinancingProfile.uscc                       .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.asOf                       .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.consentId                  .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.purpose                    .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.exports                    .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.exportsProvenance          .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.returns                    .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.returnsProvenance          .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.returnRate                 .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.exportReceipts             .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.exportReceiptsProvenance   .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.collectionRatio            .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.domesticPaymentsReceived   .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.domesticPaymentsProvenance .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.threeDocumentMatchRate     .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.warehouses                 .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.warehousesProvenance       .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.refunds                    .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.loans                      .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
FinancingProfile.grade                      .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  N  A
FinancingProfile.score                      .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  N  A
# credit:explain, which no financing reader holds: twin in EXTRA below
FinancingProfile.factorSummary              .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  S  S
# list status is credit:read data: served under EF today (SERVER_WRONG)
FinancingProfile.listed                     .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  N  A
FinancingProfile.bankMeasures               .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  N  L
FinancingProfile.dataQuality                .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyExports.month                        .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyExports.mode                         .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyExports.declarations                 .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyExports.valueCny                     .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyReturns.month                        .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyReturns.returns                      .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyReturns.valueCny                     .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyExportReceipts.month                 .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyExportReceipts.receipts              .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyExportReceipts.valueCny              .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyDomesticPayments.month               .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyDomesticPayments.payments            .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
MonthlyDomesticPayments.valueCny            .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
WarehouseStock.id                           .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
WarehouseStock.name                         .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
WarehouseStock.country                      .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
WarehouseStock.city                         .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
WarehouseStock.stockValueCny                .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
WarehouseStock.stockAsOf                    .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
RefundSummary.claimedCny                    .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
RefundSummary.paidCny                       .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
RefundSummary.pendingCny                    .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
RefundSummary.rejectedCny                   .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
RefundSummary.provenance                    .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
LoanSummary.current                         .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
LoanSummary.overdue                         .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
LoanSummary.default                         .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
LoanSummary.provenance                      .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
Provenance.departments                      .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A
Provenance.newestFact                       .  .  .  .  .   .  .  .  .  .   .  .  .  .  .  A  A

# orders and their three documents (hub.api.documents): departments by their documents' scopes,
# a lender under a financing:read consent the orders and their match only; phones and
# addresses of buyers and consignees under pii:read
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
Enterprise.orders                           A  S  A  S  S   A  A  .  P  A   .  N  .  .  N  A  A
OrderConnection.edges                       A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
OrderConnection.pageInfo                    A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
OrderConnection.totalCount                  A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
OrderConnection.totalGoodsCny               A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
OrderConnection.byMatchStatus               A  .  S  .  .   A  A  .  .  A   .  .  .  .  .  A  A
OrderConnection.unmatchedByReason           A  .  S  .  .   A  A  .  .  A   .  .  .  .  .  A  A
OrderEdge.cursor                            A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
OrderEdge.node                              A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
MatchStatusTotal.status                     A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
MatchStatusTotal.count                      A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
MatchStatusTotal.goodsCny                   A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.id                                    A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.orderedOn                             A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.direction                             A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.ebpCode                               A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.ebcCode                               A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.goodsCny                              A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.freightCny                            A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.taxCny                                A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.discountCny                           A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.buyerName                             A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  S  S
Order.consigneeName                         A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  S  S
Order.consigneePhone                        S  .  S  .  .   A  S  .  .  A   .  .  .  .  .  S  S
Order.consigneeAddress                      S  .  S  .  .   A  S  .  .  A   .  .  .  .  .  S  S
Order.source                                A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.batch                                 A  .  A  .  .   A  A  .  .  A   .  .  .  .  .  A  A
Order.inventoryList                         A  .  S  .  .   A  A  .  .  A   .  .  .  .  .  S  S
Order.payment                               S  .  A  .  .   A  A  .  .  A   .  .  .  .  .  S  S
Order.waybill                               A  .  S  .  .   A  A  .  .  A   .  .  .  .  .  S  S
Order.match                                 A  .  S  .  .   A  A  .  .  A   .  .  .  .  .  A  A
DocumentMatch.status                        A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
DocumentMatch.reasons                       A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  A  A
InventoryList.id                            A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.direction                     A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.tradeMode                     A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.declaredOn                    A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.ebpCode                       A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.ebcCode                       A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.logisticsCode                 A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.logisticsNo                   A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.goodsCny                      A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.freightCny                    A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.buyerName                     A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.buyerPhone                    S  .  .  .  .   A  S  .  .  A   .  .  .  .  .  .  .
InventoryList.consigneeAddress              S  .  .  .  .   A  S  .  .  A   .  .  .  .  .  .  .
InventoryList.source                        A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
InventoryList.batch                         A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.id                                  .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.paidOn                              .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.amountCny                           .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.payerName                           .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.payCode                             .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.ebpCode                             .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.ebcCode                             .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.payFirmUscc                         .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.source                              .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Payment.batch                               .  .  A  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Waybill.id                                  A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Waybill.shippedOn                           A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Waybill.carrier                             A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Waybill.logisticsCode                       A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Waybill.carrierUscc                         A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Waybill.consigneeName                       A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Waybill.consigneePhone                      S  .  .  .  .   A  S  .  .  A   .  .  .  .  .  .  .
Waybill.consigneeAddress                    S  .  .  .  .   A  S  .  .  A   .  .  .  .  .  .  .
Waybill.source                              A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .
Waybill.batch                               A  .  .  .  .   A  A  .  .  A   .  .  .  .  .  .  .

# network, risk and statistics
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
RelationshipGraph.root                      .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RelationshipGraph.nodes                     .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RelationshipGraph.edges                     .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RelationshipGraph.truncated                 .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.id                                .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.label                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.key                               .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.name                              .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.zone                              .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.status                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.grade                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.listed                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphNode.idMasked                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphEdge.id                                .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphEdge.type                              .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphEdge.source                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphEdge.target                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphEdge.since                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphEdge.until                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphEdge.ratio                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
GraphEdge.role                              .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
NetworkPath.nodes                           .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
NetworkPath.edges                           .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
UltimateOwner.key                           .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
UltimateOwner.label                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
UltimateOwner.name                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
UltimateOwner.share                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
UltimateOwner.ultimate                      .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
UltimateOwner.chains                        .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ChainLink.holder                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ChainLink.held                              .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ChainLink.ratio                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlertConnection.edges                   .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlertConnection.pageInfo                .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlertConnection.totalCount              .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlertEdge.cursor                        .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlertEdge.node                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.id                                .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.kind                              .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.severity                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.reason                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.subjects                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.evidence                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.zones                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.basis                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.detectedOn                        .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.lastSeenOn                        .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskAlert.clearedOn                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
# RA-1 was assigned and closed (field_matrix_zone)
RiskAlert.disposal                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskDisposal.status                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskDisposal.assignee                       .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskDisposal.result                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RiskDisposal.steps                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DisposalStep.action                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DisposalStep.by                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DisposalStep.at                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DisposalStep.note                           .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DisposalStep.assignee                       .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DisposalStep.result                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.zone                         .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.from                         .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.to                           .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.groupBy                      .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.groups                       .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.gradeDistribution            .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.operators                    .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.plans                        .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneStatistics.targets                      .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeGroup.key                              .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeGroup.declarations                     .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeGroup.valueCny                         .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
GradeCount.grade                            .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
GradeCount.count                            .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneOperators.zone                          .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneOperators.count                         .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneOperators.registered                    .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZonePlan.zone                               .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZonePlan.source                             .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZonePlan.seed                               .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZonePlan.issued                             .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZonePlan.targetCount                        .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZonePlan.note                               .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZonePlan.passage                            .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.zone                             .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.metric                           .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.label                            .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.definition                       .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.computation                      .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.proxy                            .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.quote                            .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.quoteEnglish                     .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.source                           .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.kind                             .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.periodFrom                       .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.asOf                             .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.start                            .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.deadline                         .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.deadlineBasis                    .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.unit                             .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.comparison                       .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.target                           .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.actual                           .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.progress                         .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .
ZoneTarget.met                              .  .  .  A  .   A  .  .  .  A   .  .  .  .  .  .  .

# persons (personCreditProfile, pii:read: the regulator and admin only); the subject is Wang,
# E1's legal representative (field_matrix_zone); its paths and measures are CoverageStep,
# DepartmentMeasures and LegalMeasure rows above
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
PersonCreditProfile.personKey               .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.name                    .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.idMasked                .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.asOf                    .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.level                   .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.levelLabel              .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.levelMeaning            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.forcedBy                .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.modelVersion            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.factors                 .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.roles                   .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.rolesTruncated          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.listEntries             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonCreditProfile.measures                .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonFactor.code                           .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonFactor.points                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonFactor.reason                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonFactor.basis                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonFactor.evidence                       .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonFactor.paths                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.relationship                     .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.role                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.ratio                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.since                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.until                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.current                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.counted                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.uscc                             .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.enterpriseName                   .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.status                           .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.statusSince                      .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.grade                            .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.gradeAsOf                        .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonRole.listEntries                      .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonListEntry.id                          .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonListEntry.list                        .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonListEntry.department                  .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonListEntry.listedOn                    .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonListEntry.expiresOn                   .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonListEntry.removedOn                   .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonListEntry.reason                      .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonListEntry.inForce                     .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonMeasures.list                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonMeasures.cause                        .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonMeasures.department                   .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonMeasures.relation                     .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonMeasures.validFrom                    .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonMeasures.validUntil                   .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonMeasures.measures                     .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
PersonMeasures.path                         .  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .

# the cross-department views (tradeReconciliation): customs reads declarations and refunds,
# not receipts; SAFE declarations and receipts, not refunds; tax all three; the regulator all;
# no lender (the financing profile is theirs); E1's refunds are out of proportion to its
# exports (a signal), its proceeds came back (none: ReceiptsAgainstExports.signals is empty)
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
TradeReconciliation.uscc                    A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.asOf                    A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.firstDay                A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.months                  A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.rulesVersion            A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.exports                 A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.receipts                S  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.refunds                 A  A  S  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.refundsAgainstExports   A  A  S  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.refundsAgainstReceipts  S  A  S  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeReconciliation.receiptsAgainstExports  S  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReconciliationMonth.month                   A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReconciliationMonth.count                   A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReconciliationMonth.valueCny                A  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReconciliationRefundMonth.month             A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReconciliationRefundMonth.claims            A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReconciliationRefundMonth.claimedCny        A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReconciliationRefundMonth.rejectedCny       A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReconciliationRefundMonth.paidCny           A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.exportedCny           A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.claimedCny            A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.paidCny               A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.refundRatio           A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.ceilingRate           A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.ceilingCny            A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.overCeilingCny        A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.signals               A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.question              A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstExports.basis                 A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstReceipts.receivedCny          .  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstReceipts.claimedCny           .  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstReceipts.paidCny              .  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstReceipts.refundRatio          .  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstReceipts.question             .  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
RefundsAgainstReceipts.basis                .  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReceiptsAgainstExports.exportedCny          .  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReceiptsAgainstExports.receivedCny          .  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReceiptsAgainstExports.countedCny           .  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReceiptsAgainstExports.collectionRatio      .  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReceiptsAgainstExports.signals              .  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReceiptsAgainstExports.question             .  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ReceiptsAgainstExports.basis                .  A  A  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeSignal.kind                            A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeSignal.severity                        A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeSignal.reason                          A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeSignal.evidence                        A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeSignal.basis                           A  A  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .

# the enterprise's own records; the change feed; federation
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
Consent.id                                  .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
Consent.uscc                                .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
Consent.institution                         .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
Consent.purpose                             .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
Consent.scopes                              .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
Consent.grantedAt                           .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
Consent.expiresAt                           .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
Consent.revokedAt                           .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
Consent.active                              .  .  .  .  .   .  A  .  .  .   .  .  .  .  .  .  .
ChangesPage.changes                         A  A  A  A  A   A  A  .  .  A   A  A  A  A  A  A  A
ChangesPage.cursor                          A  A  A  A  A   A  A  .  .  A   A  A  A  A  A  A  A
ChangesPage.hasMore                         A  A  A  A  A   A  A  .  .  A   A  A  A  A  A  A  A
_Service.sdl                                A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A

# the credit services (hub/api/lookups.py): identity verification answers every caller with
# enterprise:read, a lender without consent too (registration facts are published by law)
#                                           cu ta sa co sm  rg en cn pb ad  no E  C  F  EC EF ECF
Query.verifyIdentity                        A  A  A  A  A   A  A  S  A  A   A  A  A  A  A  A  A
IdentityVerification.uscc                   A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.matches                A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.nameMatches            A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.englishNameMatches     A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.asOf                   A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.registeredOn           A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.registered             A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.status                 A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.statusSince            A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
IdentityVerification.statusCertainty        A  A  A  A  A   A  A  .  A  A   A  A  A  A  A  A  A
# the credit record: P-3 is in publicity; P-1's repair is SAMR's, audit's and E1's to see
Query.creditRecord                          A  A  A  A  A   A  A  S  A  A   H  A  H  H  A  A  A
CreditRecord.uscc                           A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
CreditRecord.name                           A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
CreditRecord.status                         A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
CreditRecord.asOf                           A  A  A  A  A   A  A  .  A  A   .  A  .  .  A  A  A
CreditRecord.listEntries                    A  A  A  A  A   A  A  .  L  A   .  N  .  .  L  N  L
RecordListEntry.id                          A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
RecordListEntry.list                        A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
RecordListEntry.department                  A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
RecordListEntry.listedOn                    A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
RecordListEntry.expiresOn                   A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
RecordListEntry.reason                      A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
RecordListEntry.basis                       A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
CreditRecord.penalties                      A  A  A  A  A   A  A  .  A  A   .  N  .  .  A  N  A
PublicPenalty.id                            A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
PublicPenalty.department                    A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
PublicPenalty.caseNo                        A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
PublicPenalty.severity                      A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
PublicPenalty.amountCny                     A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
PublicPenalty.decidedOn                     A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
PublicPenalty.publicUntil                   A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
PublicPenalty.basis                         A  A  A  A  A   A  A  .  A  A   .  .  .  .  A  .  A
CreditRecord.classifications                A  A  A  A  A   A  A  .  P  A   .  N  .  .  A  N  A
RecordClassification.department             A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RecordClassification.scheme                 A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RecordClassification.value                  A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RecordClassification.effectiveFrom          A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
RecordClassification.effectiveTo            A  A  A  A  A   A  A  .  .  A   .  .  .  .  A  .  A
CreditRecord.repairs                        H  H  H  H  A   A  A  .  P  A   .  S  .  .  S  S  S
RepairRecord.penaltyId                      .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairRecord.department                     .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairRecord.caseNo                         .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairRecord.decidedOn                      .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairRecord.repairedOn                     .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairRecord.applicationId                  .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairRecord.applicationFiledAt             .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
RepairRecord.decision                       .  .  .  .  A   A  A  .  .  A   .  .  .  .  .  .  .
# commodity: reference data for any caller; the declared lines are customs' records
Query.commodity                             A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
Commodity.hsCode                            A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
Commodity.chapter                           A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
Commodity.heading                           A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
Commodity.nomenclature                      A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
Commodity.crossBorderRetailImport           A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
Commodity.listEntries                       A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
HsTitle.code                                A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
HsTitle.title                               A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.listId                       A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.listName                     A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.listNameEn                   A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.kind                         A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.edition                      A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.code                         A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.effect                       A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.item                         A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.mapping                      A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.covers                       A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListEntry.source                       A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListSource.id                          A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListSource.instrument                  A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListSource.issuedBy                    A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListSource.effectiveFrom               A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListSource.number                      A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
GoodsListSource.confirmedBy                 A  A  A  A  A   A  A  A  A  A   A  A  A  A  A  A  A
Commodity.declaredLines                     A  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S
DeclaredLines.declarations                  A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DeclaredLines.valueCny                      A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DeclaredLines.enterprises                   A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DeclaredLines.lines                         A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DeclaredLine.hsCode                         A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DeclaredLine.declarations                   A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DeclaredLine.valueCny                       A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
DeclaredLine.enterprises                    A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
# transport and trade queries: waybills under logistics:read, declarations under customs:read
Query.shipments                             A  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S
ShipmentConnection.edges                    A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ShipmentConnection.pageInfo                 A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ShipmentConnection.totalCount               A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ShipmentEdge.cursor                         A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
ShipmentEdge.node                           A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.id                                 A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.shippedOn                          A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.carrier                            A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.carrierUscc                        A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.logisticsCode                      A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.orderId                            A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.direction                          A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.sellerUscc                         A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Shipment.sellerName                         A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
Query.tradeDeclarations                     A  S  S  S  S   A  S  S  P  A   S  S  S  S  S  S  S
TradeDeclarationConnection.edges            A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclarationConnection.pageInfo         A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclarationConnection.totalCount       A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclarationConnection.totalValueCny    A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclarationEdge.cursor                 A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclarationEdge.node                   A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.id                         A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.mode                       A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.direction                  A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.declaredOn                 A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.valueCny                   A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.destination                A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.hsCode                     A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.declarantUscc              A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
TradeDeclaration.declarantName              A  .  .  .  .   A  .  .  .  A   .  .  .  .  .  .  .
"""


def principals() -> list[str]:
    """Every column as the principal it is run as: "customs", ..., "bank/EC", "insurer/EC"."""
    return [*KINDS, *(f"{lender}/{c}" for lender in LENDERS for c in CONSENTS)]


def column(principal: str) -> str:
    kind, _, consent = principal.partition("/")
    return f"lender/{consent}" if consent else kind


def parse(text: str) -> dict[str, dict[str, str]]:
    """`Type.field` -> column -> cell, from the table text (comments and blank lines skipped)."""
    rows: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, *cells = line.split()
        assert len(cells) == len(COLUMNS), f"line {number}: {len(cells)} cells: {line}"
        assert set(cells) <= CODES, f"line {number}: unknown cell in {line}"
        assert name not in rows, f"line {number}: {name} twice"
        rows[name] = dict(zip(COLUMNS, cells, strict=True))
    return rows


EXPECTED: Final = parse(TABLE)
"""`Type.field` -> column -> cell."""

# Beyond the default grants: FinancingProfile.factorSummary needs credit:explain, which no
# kind that reads financing profiles holds (banks and insurers "do not get" the explanation),
# so in the table above every column that reaches it is refused. A bank granted credit:explain
# on top of its default scopes may read it under a consent covering credit:read (the rule's
# `consent`): the allowed twin of those refusals, run like the table.
EXPLAINING_BANK: Final = "bank+credit:explain"
EXTRA: Final = {
    (f"{EXPLAINING_BANK}/EF", "FinancingProfile.factorSummary"): "N",
    (f"{EXPLAINING_BANK}/ECF", "FinancingProfile.factorSummary"): "A",
    # measuresFor is asked above for BANK, which has neither; the departments that hold them
    # read them: the zone administration its services, tax its measures for E1's tax grade D
    ("customs@ZONE_ADMIN", "EnterpriseMeasures.treatment"): "A",
    ("customs@TAX", "EnterpriseMeasures.statutory"): "A",
}
