"""The words incumbent exports write for a value (Latvian or English, with or without diacritics),
beyond the stored keys and the labels: folded word → stored key, for importing_rows."""

from __future__ import annotations

from functools import cache

from app.domains.households.rules import MEMBER_ROLES
from app.domains.people.countries import ALPHA2, LATVIA
from app.domains.people.importing_read import fold
from app.domains.people.rules import LEGAL_STATUSES, OTHER_ID_KINDS
from app.i18n import translations

LATVIAN = "lv"  # the exports' language: their words for the kinds are the Latvian labels too

# Words the exports use for a value, beyond the stored keys and the labels (in both languages).
_OTHER_ID_WORDS = {
    "pase": "passport",
    "arzemju pase": "passport",
    "arvalsts pase": "passport",
    "uzturesanas atlauja": "residence_permit",
    "ua": "residence_permit",
    "arvalsts personas kods": "foreign_code",
    "arvalstu personas kods": "foreign_code",
    "foreign personal code": "foreign_code",
    "cits": "other",
    "cits dokuments": "other",
}
_SEX_WORDS = {
    "m": "M", "v": "M", "virietis": "M", "vir": "M", "male": "M", "man": "M",
    "f": "F", "s": "F", "sieviete": "F", "siev": "F", "female": "F", "woman": "F",
}  # fmt: skip
_ROLE_WORDS = {
    "galva": "head", "majsaimniecibas galva": "head", "vaditajs": "head", "gimenes galva": "head",
    "laulatais": "spouse", "laulata": "spouse", "sieva": "spouse", "virs": "spouse",
    "partneris": "partner", "partnere": "partner", "dzivesbiedrs": "partner", "dzivesbiedre": "partner",
    "berns": "child", "dels": "child", "meita": "child", "audzuberns": "child",
    "vecaks": "parent", "mate": "parent", "tevs": "parent",
    "vecvecaks": "grandparent", "vecmamina": "grandparent", "vectevs": "grandparent",
    "mazberns": "grandchild", "mazdels": "grandchild", "mazmeita": "grandchild",
    "bralis": "sibling", "masa": "sibling",
    "radinieks": "other_relative", "radiniece": "other_relative", "cits radinieks": "other_relative",
    "cita persona": "other", "cits": "other",
}  # fmt: skip
_STATUS_WORDS = {
    "pilsonis": "citizen", "latvijas pilsonis": "citizen",
    "nepilsonis": "non_citizen", "latvijas nepilsonis": "non_citizen",
    "pastavigas uzturesanas atlauja": "permanent_resident",
    "pagaidu uzturesanas atlauja": "temporary_resident",
    "beglis": "refugee", "alternativais statuss": "alternative_status", "bezvalstnieks": "stateless",
    "cits": "other",
}  # fmt: skip
# What a citizenship cell may hold that is a legal status rather than a country.
CITIZENSHIP_STATUS = {
    "nepilsonis": "non_citizen", "latvijas nepilsonis": "non_citizen", "non citizen": "non_citizen",
    "bezvalstnieks": "stateless", "stateless": "stateless",
}  # fmt: skip


@cache
def vocabulary_table(vocabulary: str) -> dict[str, str]:
    """Folded word → stored key: the keys, their labels in Latvian and English, and the export words."""
    choices, words = {
        "other_id_kind": (OTHER_ID_KINDS, _OTHER_ID_WORDS),
        "sex": ({"M": "", "F": ""}, _SEX_WORDS),
        "role": (MEMBER_ROLES, _ROLE_WORDS),
        "legal_status": (LEGAL_STATUSES, _STATUS_WORDS),
    }[vocabulary]
    table: dict[str, str] = {}
    latvian = translations(LATVIAN)
    for key, label in choices.items():
        table[fold(key)] = key
        if label:
            table[fold(label)] = key
            table[fold(latvian.gettext(label))] = key
    table.update(words)
    return table


@cache
def country_table() -> dict[str, str]:
    """Folded alpha-3, alpha-2 and country names (Latvian, English) → alpha-3."""
    from babel import Locale

    table: dict[str, str] = {}
    for language in ("en", "lv"):
        names = Locale.parse(language).territories
        for alpha3, alpha2 in ALPHA2.items():
            if alpha2 in names:
                table[fold(names[alpha2])] = alpha3
    for alpha3, alpha2 in ALPHA2.items():
        table[fold(alpha2)] = alpha3
        table[fold(alpha3)] = alpha3
    table.update({"latvijas": LATVIA, "latvijas pilsonis": LATVIA, "latvian": LATVIA})
    return table
