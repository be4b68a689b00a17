"""How the decision document words things (app/domains/benefits/decision_sheet.py): the authority's name
in the genitive, explanation values by unit and labels with their params, in Latvian and English."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from app.domains.assistance.explain import Line
from app.domains.benefits.decision_sheet import (
    DecisionSheet,
    Member,
    decision_html,
    line_label,
    line_value,
    municipality_genitive,
)


@pytest.mark.parametrize(
    ("name", "genitive"),
    [
        ("Ādažu novads", "Ādažu novada"),
        ("Rīgas valstspilsēta", "Rīgas valstspilsētas"),
        ("Valmieras novads", "Valmieras novada"),
        ("Ventspils", "Ventspils"),  # no known shape: left as it is
    ],
)
def test_the_authority_takes_the_genitive(name, genitive) -> None:
    assert municipality_genitive(name) == genitive


@pytest.mark.parametrize(
    ("line", "lv", "en"),
    [
        (Line("x", Decimal("1234.5"), "EUR"), "1\xa0234,50\xa0€", "€1,234.50"),
        (Line("x", Decimal("0.7"), "coefficient"), "0,7", "0.7"),
        (Line("x", Decimal("50"), "%"), "50 %", "50 %"),
        (Line("x", 1, "months"), "1 mēnesis", "1 month"),
        (Line("x", 3, "months"), "3 mēneši", "3 months"),
        (Line("x", 3, ""), "3", "3"),
        (Line("x", Decimal("2.5"), "ha"), "2,5 ha", "2.5 ha"),
        (Line("x", None, ""), "", ""),
    ],
)
def test_values_are_formatted_by_their_unit(line, lv, en) -> None:
    assert line_value(line, "lv") == lv
    assert line_value(line, "en") == en


def test_values_read_back_from_json_format_the_same() -> None:
    stored = Line("x", Decimal("337.00"), "EUR").as_json()
    assert line_value(Line.from_json(stored), "lv") == "337,00\xa0€"


def test_labels_are_translated_and_filled_in() -> None:
    assert line_label(Line("Personal code"), "lv") == "Personas kods"
    assert line_label(Line("Decision %(number)s", params={"number": "LEM-2026/00001"}), "lv") == (
        "Lēmums LEM-2026/00001"
    )
    assert line_label(Line("Persons: %(n)s", params={"n": 1200}), "lv") == "Persons: 1\xa0200"
    # A label whose params do not fit is shown rather than failing the whole document.
    assert line_label(Line("Broken %(missing)s", params={"n": 1}), "en") == "Broken %(missing)s"


def sheet(**overrides: object) -> DecisionSheet:
    values: dict[str, object] = {
        "decision_id": uuid.uuid4(),
        "tenant_id": uuid.uuid4(),
        "number": "LEM-2026/00042",
        "decided_on": dt.date(2026, 11, 16),
        "outcome": "granted",
        "reasons": "Ienākumi <b>nepārsniedz</b> slieksni.",
        "amount": Decimal("337.00"),
        "valid_from": dt.date(2026, 12, 1),
        "valid_to": dt.date(2027, 2, 28),
        "municipality": "Ādažu novads",
        "applicant_id": uuid.uuid4(),
        "applicant_name": "Jānis Bērziņš",
        "applicant_code": "010180-10006",
        "applicant_address": "",
        "members": (Member("Jānis Bērziņš", "010180-10006", "applicant"),),
        "benefit_name": "Garantētā minimālā ienākuma pabalsts",
        "benefit_kind": "gmi",
        "frequency": "monthly",
        "legal_basis": "SPSPL 33. pants",
        "explanation": (),
        "officer_id": uuid.uuid4(),
        "officer_name": "Ilze Bērziņa",
        "application_number": None,
        "application_received_on": None,
        "case_id": None,
        "document_id": None,
    }
    values.update(overrides)
    return DecisionSheet(**values)  # type: ignore[arg-type]


def test_the_html_escapes_what_people_typed_and_names_no_outside_resource() -> None:
    html = decision_html(sheet())
    assert "&lt;b&gt;nepārsniedz&lt;/b&gt;" in html and "<b>nepārsniedz" not in html
    assert "http://" not in html and "https://" not in html
    assert '<html lang="lv">' in html and "<title>Lēmums LEM-2026/00042</title>" in html


def test_the_html_in_english_for_a_translation_copy() -> None:
    html = decision_html(sheet(outcome="stopped", valid_to=None), "en")
    assert '<html lang="en">' in html and "DECISION" in html and "Stop granting" in html
    assert "from 01/12/2026" in html or "from 01.12.2026" in html
    assert "per month" not in html  # a stop gives no amount
