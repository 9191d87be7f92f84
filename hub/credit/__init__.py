"""The credit engine: a versioned rating model (data) and a pure rating function over facts.

    model = load_model()
    rating = rate(model, facts)  # facts: hub.credit.facts.RatingFacts
    rules = load_joint_rules()  # who a list entry covers, and each department's measures

`hub.credit.recompute.CreditRecomputer` keeps stored ratings and list coverage current.
`hub.credit.profile` puts one enterprise's profile together as of a date (facts gathered
and rated, the list entries shown, the measures that apply), for the API.

See docs/credit-model.md for the factors, their sources in regulation and a worked example.
"""

from hub.credit.engine import Factor, Rating, rate
from hub.credit.joint_rules import JointRules, JointRulesError, load_joint_rules
from hub.credit.model import DEFAULT_MODEL_PATH, ModelError, RatingModel, Treatment, load_model

__all__ = [
    "DEFAULT_MODEL_PATH",
    "Factor",
    "JointRules",
    "JointRulesError",
    "ModelError",
    "Rating",
    "RatingModel",
    "Treatment",
    "load_joint_rules",
    "load_model",
    "rate",
]
