"""The benefit catalogue's vocabulary: the stored codes of a benefit type's choices and what the pages and
the explanations call them (msgids, translated where shown)."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_

KINDS: dict[str, str] = {
    "gmi": N_("Guaranteed minimum income benefit"),
    "housing": N_("Housing benefit"),
    "needy_status": N_("Needy household status"),
    "low_income_status": N_("Low-income household status"),
    "crisis": N_("Crisis benefit"),
    "means_tested": N_("Other means-tested benefit"),
    "voluntary": N_("Voluntary-initiative benefit"),
    "out_of_family_care": N_("Out-of-family care support"),
    "other": N_("Other benefit"),
}
FORMULA_KINDS = frozenset({"gmi", "housing"})  # computed by the means-test assessment
STATUS_KINDS = frozenset({"needy_status", "low_income_status"})

AMOUNT_RULES: dict[str, str] = {
    "fixed": N_("Fixed sum"),
    "percent_of_threshold": N_("Percentage of a threshold or of the minimum wage"),
    "formula": N_("Formula of the law (GMI, housing benefit)"),
    "actual_cost_capped": N_("Actual cost up to a cap"),
    "none": N_("No amount (a status)"),
}
REQUIRES_STATUS: dict[str, str] = {
    "none": N_("No status required"),
    "needy": N_("Needy household"),
    "low_income": N_("Low-income household"),
    "needy_or_low_income": N_("Needy or low-income household"),
}
THRESHOLDS: dict[str, str] = {
    "gmi": N_("GMI threshold"),
    "needy": N_("Needy household threshold"),
    "low_income": N_("Low-income household threshold"),
    "custom": N_("Own threshold of the municipality"),
}


@dataclass(frozen=True)
class Base:
    """What a percentage is taken of: the legal parameter's key and what the explanation calls it."""

    key: str
    label: str


PERCENT_OF: dict[str, Base] = {
    "minimum_wage": Base("minimum_wage", N_("National minimum monthly wage")),
    "gmi": Base("gmi_first", N_("GMI threshold for the first person")),
    "needy": Base("needy_first", N_("Needy household threshold for the first person")),
    "low_income": Base("low_income_first", N_("Low-income household threshold for the first person")),
    "median": Base("income_median", N_("Income median per equivalent consumer")),
}
PER: dict[str, str] = {"household": N_("Per household"), "person": N_("Per person")}
FREQUENCIES: dict[str, str] = {
    "one_off": N_("One-off"),
    "monthly": N_("Monthly"),
    "per_period": N_("Per period"),
    "per_year": N_("Per calendar year"),
}
PAYMENT_CHANNELS: dict[str, str] = {
    "client": N_("To the client"),
    "provider": N_("To the service provider"),
    "in_kind": N_("In kind (vouchers, food packages)"),
}
# MK 324 Annex 1: the monthly report counts GMI, housing, health care and other social assistance.
REPORTING_CATEGORIES: dict[str, str] = {
    "gmi": N_("GMI benefit"),
    "housing": N_("Housing benefit"),
    "health_care": N_("Health care"),
    "other": N_("Other social assistance"),
    "none": N_("Not reported"),
}
PERSON_GROUPS: dict[str, str] = {
    "child": N_("Children (under 18)"),
    "adult": N_("Adults (18 and over)"),
    "pensioner": N_("Pensioners"),
    "disability": N_("Persons with a disability"),
    "orphan": N_("Orphans and children left without parental care"),
}
HOUSEHOLD_GROUPS: dict[str, str] = {"large_family": N_("Large families (3 or more children)")}
TARGET_GROUPS: dict[str, str] = {**PERSON_GROUPS, **HOUSEHOLD_GROUPS}
STATUS_MISSING: dict[str, str] = {
    "needy": N_(
        "The benefit requires needy household status, which the household does not have on the date."
    ),
    "low_income": N_(
        "The benefit requires low-income household status, which the household does not have on the date."
    ),
    "needy_or_low_income": N_(
        "The benefit requires needy or low-income household status, which the household does not have on"
        " the date."
    ),
}
