"""The financing profile a bank or insurer reads under the enterprise's consent."""

from hub.financing.profile import FinancingFacts, financing_consent, financing_facts

__all__ = ["FinancingFacts", "financing_consent", "financing_facts"]
