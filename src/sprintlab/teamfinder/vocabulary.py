"""The team finder's controlled words: topics people want to work on, and what they bring.

A fixed list, not free text, so that two people who mean the same thing match (and so that each word
fits one bit of the ranking's masks, see ``matching``). Free tags (``FinderProfile.free_tags``) take
the rest; they count in the ranking's reasons when two people share one exactly.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Interest(models.TextChoices):
    INTERPRETABILITY = "interpretability", _("mechanistic interpretability")
    EVALUATIONS = "evaluations", _("evaluations")
    BENCHMARKS = "benchmarks", _("benchmarks")
    GOVERNANCE = "governance", _("AI governance")
    COMPUTE_GOVERNANCE = "compute_governance", _("compute governance")
    MULTI_AGENT = "multi_agent", _("multi-agent safety")
    OVERSIGHT = "oversight", _("scalable oversight")
    DECEPTION = "deception", _("deceptive alignment")
    RED_TEAMING = "red_teaming", _("red-teaming")
    CONTROL = "control", _("AI control")
    ROBUSTNESS = "robustness", _("robustness")
    MODEL_ORGANISMS = "model_organisms", _("model organisms")
    FORECASTING = "forecasting", _("forecasting")
    AGENT_FOUNDATIONS = "agent_foundations", _("agent foundations")
    SECURITY = "security", _("AI security")


class Skill(models.TextChoices):
    ML_ENGINEERING = "ml_engineering", _("ML engineering")
    SOFTWARE = "software", _("software engineering")
    INTERPRETABILITY_METHODS = "interpretability_methods", _("interpretability methods")
    STATISTICS = "statistics", _("statistics")
    MATHS = "maths", _("mathematics")
    POLICY = "policy", _("policy")
    WRITING = "writing", _("research writing")
    SECURITY = "security", _("security")
    DATA = "data", _("data analysis")
    DESIGN = "design", _("design and visualisation")
    PROJECT_MANAGEMENT = "project_management", _("project management")
    ECONOMICS = "economics", _("economics and game theory")


# Phrases for the ranking's reasons ("you write code, she has a policy background"): how to say
# that you, or someone else, brings each skill.
SKILL_PHRASES = {
    Skill.ML_ENGINEERING: (_("train and run models"), _("trains and runs models")),
    Skill.SOFTWARE: (_("write code"), _("writes code")),
    Skill.INTERPRETABILITY_METHODS: (_("know interpretability methods"), _("knows interpretability methods")),
    Skill.STATISTICS: (_("do statistics"), _("does statistics")),
    Skill.MATHS: (_("bring mathematics"), _("brings mathematics")),
    Skill.POLICY: (_("have a policy background"), _("has a policy background")),
    Skill.WRITING: (_("write research up"), _("writes research up")),
    Skill.SECURITY: (_("know security"), _("knows security")),
    Skill.DATA: (_("analyse data"), _("analyses data")),
    Skill.DESIGN: (_("design and visualise"), _("designs and visualises")),
    Skill.PROJECT_MANAGEMENT: (_("keep projects on track"), _("keeps projects on track")),
    Skill.ECONOMICS: (_("know economics and game theory"), _("knows economics and game theory")),
}

INTEREST_BITS = {value: 1 << index for index, value in enumerate(Interest.values)}
SKILL_BITS = {value: 1 << index for index, value in enumerate(Skill.values)}

MAX_FREE_TAGS = 8
MAX_FREE_TAG_LENGTH = 30
