"""Providers: payment firms, receiving banks, carriers and supervised-premises operators.

    model = load_provider_model()  # provider_model.json, validated
    rated = await provider_as_of(driver, database, model, credit_model, uscc, day)

An enterprise becomes a provider by what it handled (payments and export receipts naming it by
`payFirmUscc` or `bankUscc`, waybills by `carrierUscc`) or operates (`customs.premises@1`);
`hub.providers.rating` rates it from those facts, pure; see docs/subjects.md.
"""

from hub.providers.model import (
    DEFAULT_PROVIDER_MODEL_PATH,
    ProviderModel,
    ProviderModelError,
    load_provider_model,
)
from hub.providers.profile import RatedProvider, provider_as_of
from hub.providers.rating import ProviderFacts, ProviderRating, Role, rate_provider

__all__ = [
    "DEFAULT_PROVIDER_MODEL_PATH",
    "ProviderFacts",
    "ProviderModel",
    "ProviderModelError",
    "ProviderRating",
    "RatedProvider",
    "Role",
    "load_provider_model",
    "provider_as_of",
    "rate_provider",
]
