"""Evaluation plans: what the engine estimates, declared in files before results exist.

A plan file (`impact/plans/*.yml`) names a version and, per programme, the outcomes to
evaluate; outcome defaults (horizon, comparison rule, minimum effect of interest,
methods) sit at the top of the file and an entry may override them. The engine
evaluates exactly the declared plans and writes each plan's version with its results:
`<file version>+<hash of the plan's resolved settings>`, so a changed horizon or rule is
a new version even when someone forgets to bump the file's.

A file also declares how the run's p-values are adjusted for testing many plans at once
(`multiplicity: {method: holm | benjamini_hochberg, family: method | run}`); every plan
carries it (it is part of the hash: the same estimate can be significant under one
adjustment and not under another), and one run must not mix two.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

PLANS_DIR = Path(__file__).resolve().parent / "plans"
OUTCOMES = ("review_rating", "capability_level", "goal_attainment", "retention_12m")
METHODS = ("did_staggered", "psm_matched")
# Difference-in-differences needs repeated measures; 12-month retention is measured once.
PANEL_OUTCOMES = ("review_rating", "capability_level", "goal_attainment")
COMPARISON_RULES = ("not_yet_treated", "matched_non_participants")
# holm: step-down Bonferroni, controls the chance of any false claim in the family (FWER);
# benjamini_hochberg: controls the expected share of false claims among claims (FDR).
MULTIPLICITY_METHODS = ("holm", "benjamini_hochberg")
# method: one family per estimation method (the run's tests by did_staggered, and by
# psm_matched); run: every test of the run in one family.
MULTIPLICITY_FAMILIES = ("method", "run")
SETTINGS = (
    "horizon",
    "pre_periods",
    "comparison",
    "min_effect_of_interest",
    "min_treated",
    "min_comparison",
    "pretrend_alpha",
    "methods",
)


class PlanError(ValueError):
    """A plan file that cannot be evaluated as written."""


@dataclass(frozen=True)
class Plan:
    plan_id: str
    plan_version: str
    programme_id: str
    outcome: str
    horizon: int  # post periods after the first treated one (panel outcomes), months for retention
    pre_periods: int
    comparison: str
    min_effect_of_interest: float
    min_treated: int
    min_comparison: int
    pretrend_alpha: float
    methods: tuple[str, ...]
    source_file: str
    multiplicity_method: str = "holm"
    multiplicity_family: str = "method"


def _settings(defaults: dict, override: dict, where: str) -> dict:
    unknown = set(override) - set(SETTINGS)
    if unknown:
        raise PlanError(f"{where}: unknown setting(s) {sorted(unknown)}; allowed: {list(SETTINGS)}")
    merged = {**defaults, **override}
    missing = [name for name in SETTINGS if name not in merged]
    if missing:
        raise PlanError(f"{where}: missing setting(s) {missing}")
    return merged


def _validate(outcome: str, settings: dict, where: str) -> None:
    methods = settings["methods"]
    if not methods or any(m not in METHODS for m in methods):
        raise PlanError(f"{where}: methods must be a non-empty subset of {list(METHODS)}, got {methods}")
    if outcome not in PANEL_OUTCOMES and "did_staggered" in methods:
        raise PlanError(f"{where}: did_staggered needs repeated measures; {outcome} is measured once")
    if settings["comparison"] not in COMPARISON_RULES:
        raise PlanError(f"{where}: comparison must be one of {list(COMPARISON_RULES)}")
    for name in ("horizon", "min_treated", "min_comparison"):
        if not isinstance(settings[name], int) or settings[name] < 0:
            raise PlanError(f"{where}: {name} must be a whole number >= 0")
    if not isinstance(settings["pre_periods"], int) or settings["pre_periods"] < 1:
        raise PlanError(f"{where}: pre_periods must be a whole number >= 1")
    if not 0 < float(settings["pretrend_alpha"]) < 1:
        raise PlanError(f"{where}: pretrend_alpha must be between 0 and 1")


def _multiplicity(document: dict, where: str) -> tuple[str, str]:
    block = document.get("multiplicity")
    if not isinstance(block, dict):
        raise PlanError(
            f"{where}: a plan file needs `multiplicity: {{method: holm | benjamini_hochberg, family: method | run}}`"
        )
    unknown = set(block) - {"method", "family"}
    if unknown:
        raise PlanError(f"{where}: unknown multiplicity setting(s) {sorted(unknown)}; allowed: ['family', 'method']")
    method, family = block.get("method"), block.get("family")
    if method not in MULTIPLICITY_METHODS:
        raise PlanError(f"{where}: multiplicity method must be one of {list(MULTIPLICITY_METHODS)}, got {method!r}")
    if family not in MULTIPLICITY_FAMILIES:
        raise PlanError(f"{where}: multiplicity family must be one of {list(MULTIPLICITY_FAMILIES)}, got {family!r}")
    return method, family


def load_plans(folder: Path = PLANS_DIR) -> list[Plan]:
    """Every plan declared in `folder/*.yml`, validated; raises PlanError on a bad file."""
    plans: list[Plan] = []
    seen: dict[str, str] = {}
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise PlanError(f"no evaluation plans in {folder}")
    for path in files:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        version = document.get("version")
        if not version:
            raise PlanError(f"{path.name}: a plan file needs a `version`")
        multiplicity_method, multiplicity_family = _multiplicity(document, path.name)
        if plans and (plans[0].multiplicity_method, plans[0].multiplicity_family) != (
            multiplicity_method,
            multiplicity_family,
        ):
            raise PlanError(
                f"{path.name}: multiplicity differs from {plans[0].source_file}'s; the plans of one run share one"
            )
        defaults = document.get("outcome_defaults") or {}
        for outcome in defaults:
            if outcome not in OUTCOMES:
                raise PlanError(f"{path.name}: unknown outcome {outcome!r}; known: {list(OUTCOMES)}")
        for entry in document.get("programmes") or []:
            programme = entry.get("programme")
            if not programme:
                raise PlanError(f"{path.name}: every entry needs a `programme`")
            for item in entry.get("outcomes") or []:
                outcome, override = (item, {}) if isinstance(item, str) else next(iter(item.items()))
                where = f"{path.name}: {programme} / {outcome}"
                if outcome not in OUTCOMES:
                    raise PlanError(f"{where}: unknown outcome; known: {list(OUTCOMES)}")
                settings = _settings(defaults.get(outcome, {}), override or {}, where)
                _validate(outcome, settings, where)
                plan_id = f"{programme}:{outcome}"
                if plan_id in seen:
                    raise PlanError(f"{where}: declared twice ({seen[plan_id]} and {path.name})")
                seen[plan_id] = path.name
                resolved = {
                    "programme_id": programme,
                    "outcome": outcome,
                    **{k: settings[k] for k in SETTINGS if k != "methods"},
                    "methods": tuple(settings["methods"]),
                    "multiplicity": [multiplicity_method, multiplicity_family],
                }
                digest = hashlib.sha256(json.dumps(resolved, sort_keys=True, default=list).encode()).hexdigest()[:8]
                plans.append(
                    Plan(
                        plan_id=plan_id,
                        plan_version=f"{version}+{digest}",
                        programme_id=programme,
                        outcome=outcome,
                        horizon=int(settings["horizon"]),
                        pre_periods=int(settings["pre_periods"]),
                        comparison=settings["comparison"],
                        min_effect_of_interest=float(settings["min_effect_of_interest"]),
                        min_treated=int(settings["min_treated"]),
                        min_comparison=int(settings["min_comparison"]),
                        pretrend_alpha=float(settings["pretrend_alpha"]),
                        methods=tuple(settings["methods"]),
                        source_file=path.name,
                        multiplicity_method=multiplicity_method,
                        multiplicity_family=multiplicity_family,
                    )
                )
    return plans


def describe(plan: Plan) -> dict:
    return asdict(plan)
