"""The cross-department views the plans name: customs sees refunds against declarations, tax
sees declarations and receipts against refunds, SAFE sees declarations against receipts. What
each view sets against what is versioned data (`rules.json`, `rules.py`), the sums and ratios
are pure (`ratios.py`), the reads one query per section (`reads.py`, Cypher in `cypher.py`);
the risk signals a view shows are the risk scan's own (`hub.risk`). May import
`graph_schema`, `hub.repository` and `hub.risk`; never `hub.api`."""
