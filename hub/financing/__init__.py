"""The financing profile a bank or insurer reads under the enterprise's consent: the reads of
its facts and of the consent (`profile.py`, Cypher in `cypher.py`) and the arithmetic that sums
them into the profile's sections (`summary.py`, pure). May import `graph_schema`, `hub.credit`
(the checked orders) and `hub.repository`; never `hub.api`."""
