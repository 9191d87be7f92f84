"""Risk alerts computed on the graph: circular payments, shared addresses, phones and
representatives, document mismatches, young enterprises run by punished persons, export
spikes, declarations after a revocation or deregistration, export proceeds and exports that do
not meet, export tax refunds out of proportion to exports. Thresholds are versioned data
(`rules.json`). A regulator then disposes of each alert (`hub.risk.disposal`)."""

from hub.risk.rules import RiskRules, RiskRulesError, load_risk_rules
from hub.risk.scan import Alert, RiskScanner, ScanReport

__all__ = ["Alert", "RiskRules", "RiskRulesError", "RiskScanner", "ScanReport", "load_risk_rules"]
