"""Reading and checking import rows without a database: the header, the file's type and encoding, each
message a row can get, and the checks across rows. Messages are asserted in Latvian, as the report
shows them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest

from app.domains.people.importing import describe
from app.domains.people.importing_read import (
    FileRefused,
    Header,
    RawRow,
    check_upload,
    decode_text,
    file_kind,
    map_header,
    open_table,
    sniff_delimiter,
)
from app.domains.people.importing_rows import ImportRow, check_together, parse_row
from app.i18n import gettext

TODAY = dt.date(2026, 11, 23)
JANIS = "161175-11004"  # a valid old-format code, born 16.11.1975
HEADER = map_header(
    ["Personas kods", "Cita identifikatora veids", "Cits identifikators", "Vārds", "Uzvārds",
     "Dzimšanas datums", "Dzimums", "Pilsonība", "Juridiskais statuss", "Tālrunis", "E-pasts",
     "Deklarētā adrese", "Apdzīvotā vieta",
     "Pasta indekss", "Deklarēta no", "Mājsaimniecības ID", "Loma", "Mājsaimniecībā no"]
)  # fmt: skip


def lv(problems: Any) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, describe(p, "lv")) for p in problems]


def refused(action: Any) -> list[tuple[int, str, str]]:
    with pytest.raises(FileRefused) as caught:
        action()
    return lv(caught.value.problems)


def row(**values: Any) -> tuple[ImportRow | None, list[tuple[int, str, str]]]:
    base: dict[str, Any] = {"personal_code": JANIS, "first_name": "Jānis", "last_name": "Bērziņš"}
    base.update(values)
    parsed, problems = parse_row(
        RawRow(7, {k: v for k, v in base.items() if v is not None}), HEADER, today=TODAY
    )
    return parsed, lv(problems)


class Rule(str):
    """A message of the people or households rules (their msgid): expected as translated for the reader."""


def only_problem(**values: Any) -> tuple[str, str]:
    parsed, problems = row(**values)
    assert parsed is None and len(problems) == 1, problems
    return problems[0][1], problems[0][2]


# --- the header --------------------------------------------------------------------------------------------


def test_headers_are_matched_in_either_language_whatever_the_case_and_diacritics() -> None:
    header = map_header(
        ["PERSONAS KODS", "vards", " Uzvārds ", "date of birth", "E-mail", "household_id", "ROLE"]
    )
    assert header.positions == (
        "personal_code", "first_name", "last_name", "birth_date", "email", "household_key", "household_role",
    )  # fmt: skip
    assert header.column("first_name") == "vards"  # messages name the column as the file does


def test_unknown_repeated_and_missing_columns_are_reported_together() -> None:
    assert refused(lambda: map_header(["Vārds", "First name", "Vecums", "Loma"])) == [
        (1, "First name", "Šī kolonna atkārto kolonnu “Vārds”."),
        (
            1,
            "Vecums",
            "Nezināma kolonna. Pārdēvējiet to par kādu no zemāk norādītajiem nosaukumiem vai izdzēsiet.",
        ),
        (1, "", "Trūkst kolonnas “Uzvārds”."),
        (1, "", "Trūkst kolonnas “Personas kods”."),
        (1, "Loma", "Šai kolonnai vajadzīga arī kolonna “Mājsaimniecība”."),
    ]


def test_another_identifier_can_stand_in_for_the_personal_code_column() -> None:
    header = map_header(["Vārds", "Uzvārds", "Dokumenta veids", "Dokumenta numurs"])
    assert set(header.names) == {"first_name", "last_name", "other_id_kind", "other_id"}
    assert refused(lambda: map_header(["Vārds", "Uzvārds", "Dokumenta numurs"])) == [
        (1, "", "Trūkst kolonnas “Personas kods”."),
        (1, "Dokumenta numurs", "Šai kolonnai vajadzīga arī kolonna “Cita identifikatora veids”."),
    ]


def test_an_empty_first_row_is_not_a_header() -> None:
    assert refused(lambda: map_header(["", None, "  "])) == [
        (0, "", "Pirmajā rindā jābūt kolonnu nosaukumiem (Vārds, Uzvārds, Personas kods, …)."),
    ]


# --- the file ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"", "Datne ir tukša."),
        ("a.xls", b"\xd0\xcf\x11\xe0rest",
         "Vecais Excel formāts (.xls) netiek pieņemts: saglabājiet datni kā .xlsx vai CSV."),
        ("a.pdf", b"%PDF-1.7", "Tiek pieņemtas tikai CSV un XLSX datnes."),
        ("a.csv", b"PK\x03\x04zip", "Tiek pieņemtas tikai CSV un XLSX datnes."),
        ("a.xlsx", b"PK\x03\x04 not really a zip", "Datne nav Excel darbgrāmata (.xlsx)."),
        ("a.csv", b"Vards;Uzvards\x00;x", "Datnē ir bināri dati (NUL rakstzīmes): tā nav CSV datne."),
        ("a.csv", b"\x81\x83\x88",
         "Datne nav ne UTF-8, ne Windows-1257 teksts: saglabājiet to kā CSV (UTF-8)."),
        ("a.csv", b'Personas kods;V\xc4\x81rds;Uzv\xc4\x81rds\n"unclosed;x;y\n' + b"x" * 200_000,
         "2. rindu nevar nolasīt kā CSV (neaizvērtas pēdiņas vai pārāk gara šūna)."),
    ],
)  # fmt: skip
def test_files_that_are_not_an_export_are_refused(name: str, content: bytes, message: str) -> None:
    assert refused(lambda: list(open_table(name, content).rows())) == [(0, "", message)]


def test_a_file_over_the_size_limit_and_a_missing_file_are_refused() -> None:
    assert refused(lambda: file_kind("a.csv", b"x" * (20 * 1024 * 1024 + 1))) == [
        (0, "", "Datne ir lielāka par 20 MB."),
    ]
    assert refused(lambda: check_upload("", b"Vards")) == [(0, "", "Izvēlieties datni.")]


def test_a_workbook_that_would_unpack_to_gigabytes_is_refused_before_it_is_opened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (401 * 1024 * 1024))  # compresses to ~400 KB
    assert refused(lambda: open_table("bumba.xlsx", buffer.getvalue())) == [
        (0, "", "Atpakota darbgrāmata ir pārāk liela: saglabājiet to kā CSV."),
    ]


def test_text_encodings_and_delimiters_of_latvian_exports() -> None:
    assert decode_text("\ufeffVārds".encode()) == "Vārds"  # UTF-8 with BOM
    assert decode_text("Vārds".encode()) == "Vārds"
    assert decode_text("Ķēniņš".encode("cp1257")) == "Ķēniņš"
    assert sniff_delimiter("Vārds;Uzvārds;Personas kods") == ";"
    assert sniff_delimiter('"Bērziņš, Jānis",Vārds,Uzvārds') == ","
    assert sniff_delimiter("Vārds\tUzvārds") == "\t"


def test_rows_keep_the_files_numbering_skip_blank_rows_and_flag_cells_under_no_column() -> None:
    content = (
        'Vārds;Uzvārds;Personas kods;\n\nAnna;"Ozola\nBērziņa";050150-11030;\nJānis;Bērziņš;161175-11004;x\n'
    )
    table = open_table("a.csv", content.encode())
    rows = list(table.rows())
    assert [(r.row, r.values.get("first_name"), r.stray) for r in rows] == [
        (3, "Anna", ()),
        (4, "Jānis", (4,)),
    ]
    assert lv(parse_row(rows[1], table.header, today=TODAY)[1]) == [
        (4, "", "4. kolonnai pirmajā rindā nav nosaukuma, bet šajā rindā tajā ir vērtība."),
    ]


def test_an_xlsx_is_read_with_real_dates_and_numbers_as_the_spreadsheet_holds_them() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Personas kods", "Vārds", "Uzvārds", "Dzimšanas datums", "Pasta indekss", "Adrese"])
    sheet.append([5015011030, "Anna", "Ozola", dt.datetime(1950, 1, 5), 2164, "Ozolu iela 3"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = open_table("a.xlsx", buffer.getvalue())
    (raw,) = list(table.rows())
    parsed, problems = parse_row(raw, table.header, today=TODAY)
    assert problems == [] and parsed is not None
    assert (parsed.person.personal_code, parsed.person.birth_date) == ("05015011030", dt.date(1950, 1, 5))
    assert parsed.address is not None and parsed.address.postal_code == "LV-2164"


# --- one row -----------------------------------------------------------------------------------------------


def test_a_full_row_in_the_exports_words() -> None:
    parsed, problems = row(
        birth_date="16.11.1975", sex="vīrietis", citizenship="Latvija", legal_status="pilsonis",
        phone=29123456.0, email="Janis@Example.LV", address_line="Brīvības iela 12-5", locality="Rīga",
        postal_code="1010", address_from="2020-02-01", household_key=17.0,
        household_role="Mājsaimniecības galva", joined_on=dt.datetime(2015, 3, 1),
    )  # fmt: skip
    assert problems == [] and parsed is not None
    p = parsed.person
    assert (p.personal_code, p.birth_date, p.sex, p.citizenship, p.legal_status, p.phone, p.email) == (
        "16117511004", dt.date(1975, 11, 16), "M", "LVA", "citizen", "+37129123456", "Janis@example.lv",
    )  # fmt: skip
    assert parsed.address is not None
    assert (parsed.address.kind, parsed.address.postal_code, parsed.address.valid_from) == (
        "declared", "LV-1010", dt.date(2020, 2, 1),
    )  # fmt: skip
    assert (parsed.household_key, parsed.role, parsed.joined_on) == ("17", "head", dt.date(2015, 3, 1))


def test_defaults_an_address_from_today_and_a_membership_from_today() -> None:
    parsed, _ = row(address_line="Skolas iela 1", household_key="A", household_role="bērns")
    assert parsed is not None and parsed.address is not None
    assert (parsed.address.valid_from, parsed.joined_on, parsed.role) == (TODAY, TODAY, "child")


def test_a_foreigner_with_another_identifier_and_no_code() -> None:
    parsed, problems = row(
        personal_code=None, other_id_kind="Uzturēšanās atļauja", other_id="rp 1234567",
        birth_date="1992-04-14", citizenship="UKR",
    )  # fmt: skip
    assert problems == [] and parsed is not None
    assert (parsed.person.other_id_kind, parsed.person.other_id, parsed.identities) == (
        "residence_permit", "RP1234567", [("other", "residence_permit", "RP1234567")],
    )  # fmt: skip


def test_a_non_citizen_in_the_citizenship_column() -> None:
    parsed, _ = row(citizenship="Latvijas nepilsonis")
    assert parsed is not None and (parsed.person.legal_status, parsed.person.citizenship) == (
        "non_citizen",
        None,
    )


NO_SUCH_DAY = "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi."
BAD_DATE = "Ievadiet datumu formātā dd.mm.gggg."
CHILD_IN_A = {"household_key": "A", "household_role": "bērns"}
ADDRESS = {"address_line": "Brīvības iela 1"}
ROW_CASES = [
    ({"personal_code": "161175-11005"}, "Personas kods", "Personas koda kontrolcipars nav pareizs."),
    ({"personal_code": "12345"}, "Personas kods",
     Rule("A personal code has 11 digits: DDMMYY-CNNNN or 32NNNN-NNNNN.")),
    ({"first_name": None}, "Vārds", "Ievadiet vārdu."),
    ({"last_name": "   "}, "Uzvārds", "Ievadiet uzvārdu."),
    ({"first_name": "J\x00nis"}, "Vārds",
     Rule("The text contains characters that cannot be stored (control characters).")),
    ({"first_name": "x" * 101}, "Vārds", Rule("At most 100 characters.")),
    ({"birth_date": "31.02.1992"}, "Dzimšanas datums", NO_SUCH_DAY),
    ({"birth_date": "2015-13-01"}, "Dzimšanas datums", NO_SUCH_DAY),
    ({"birth_date": "16/11/1975"}, "Dzimšanas datums", BAD_DATE),
    ({"birth_date": "17.11.1975"}, "Dzimšanas datums",
     Rule("The birth date does not match the personal code.")),
    ({"personal_code": "321234-56789", "birth_date": "01.01.9999"}, "Dzimšanas datums",
     Rule("The birth date is impossible.")),
    ({"sex": "X"}, "Dzimums", "Rakstiet V vai S (M vai F)."),
    ({"citizenship": "Atlantīda"}, "Pilsonība",
     "Nezināma valsts: rakstiet tās trīsburtu kodu (LVA, LTU, UKR…) vai nosaukumu."),
    ({"legal_status": "karalis"}, "Juridiskais statuss",
     "Nezināms juridiskais statuss: rakstiet, piemēram, pilsonis, nepilsonis, "
     "pastāvīgās uzturēšanās atļauja."),
    ({"other_id_kind": "vīza", "other_id": "AB123"}, "Cita identifikatora veids",
     "Nezināms identifikatora veids: rakstiet pase, uzturēšanās atļauja, ārvalsts personas kods "
     "vai cits dokuments."),
    ({"phone": "12"}, "Tālrunis",
     Rule("Enter a phone number: 8 digits, or an international one starting with +.")),
    ({"email": "nav-epasts"}, "E-pasts", Rule("Enter a valid e-mail address.")),
    (ADDRESS | {"postal_code": "LV-10"}, "Pasta indekss",
     Rule("A postal code is LV- and four digits: LV-1010.")),
    ({"locality": "Rīga"}, "Deklarētā adrese",
     Rule("Enter the street and house (or the house name) and flat.")),
    (ADDRESS | {"address_from": "30.02.2020"}, "Deklarēta no", NO_SUCH_DAY),
    ({"household_key": "A"}, "Loma", "Norādiet personas lomu mājsaimniecībā."),
    ({"household_key": "A", "household_role": "kaimiņš"}, "Loma",
     "Nezināma loma: rakstiet, piemēram, galva, laulātais, partneris, bērns, vecāks, cits."),
    ({"household_role": "bērns"}, "Loma",
     "Mājsaimniecība nav norādīta: aizpildiet mājsaimniecības kolonnu vai atstājiet šo šūnu tukšu."),
    (CHILD_IN_A | {"joined_on": "01.01.1970"}, "Mājsaimniecībā no",
     Rule("The person was not yet born on this date.")),
    (CHILD_IN_A | {"joined_on": "1.1.2015."}, None, None),
    (CHILD_IN_A | {"joined_on": "janvāris"}, "Mājsaimniecībā no", BAD_DATE),
    ({"household_key": "x" * 51, "household_role": "bērns"}, "Mājsaimniecības ID",
     "Ne vairāk kā 50 rakstzīmes."),
]  # fmt: skip


@pytest.mark.parametrize(("values", "column", "message"), ROW_CASES)
def test_each_row_problem_names_the_files_column_and_says_what_to_do(
    values: dict[str, Any], column: str | None, message: str | None
) -> None:
    """Our own messages are asserted in Latvian; the people rules' by their msgid, as the reader sees it."""
    if column is None:
        parsed, problems = row(**values)
        assert problems == [] and parsed is not None
        return
    assert only_problem(**values) == (
        column,
        gettext("lv", message) if isinstance(message, Rule) else message,
    )


def test_a_row_with_several_problems_reports_each_once() -> None:
    parsed, problems = row(personal_code="abc", first_name=None, sex="?", household_role="kaimiņš")
    assert parsed is None
    assert [(r, column) for r, column, _ in problems] == [
        (7, "Dzimums"), (7, "Vārds"), (7, "Personas kods"), (7, "Loma"),
    ]  # fmt: skip


# --- the rows together -------------------------------------------------------------------------------------


def together(*rows: dict[str, Any]) -> list[tuple[int, str, str]]:
    parsed = []
    for number, values in enumerate(rows, start=2):
        base: dict[str, Any] = {"first_name": "Jānis", "last_name": "Bērziņš"}
        base.update(values)
        item, problems = parse_row(RawRow(number, base), HEADER, today=TODAY)
        assert item is not None, problems
        parsed.append(item)
    return lv(check_together(parsed, HEADER))


def test_the_same_person_twice_in_one_household_in_two_households_or_without_one() -> None:
    a = {"personal_code": JANIS}
    assert together(
        a | {"household_key": "A", "household_role": "galva"},
        a | {"household_key": "A", "household_role": "cits"},
    ) == [
        (3, "Personas kods", "Šī persona mājsaimniecībā “A” norādīta divreiz (arī 2. rindā)."),
    ]
    assert together(
        a | {"household_key": "A", "household_role": "galva"},
        a | {"household_key": "B", "household_role": "galva"},
    ) == [
        (
            3,
            "Personas kods",
            "Šī persona ir arī mājsaimniecībā “A” 2. rindā: persona var būt tikai vienas "
            "mājsaimniecības loceklis.",
        ),
    ]
    assert together(a, a) == [(3, "Personas kods", "Šī persona jau ir 2. rindā.")]


def test_the_same_other_identifier_twice_even_beside_a_personal_code() -> None:
    passport = {"other_id_kind": "pase", "other_id": "LV1234567"}
    assert together(passport | {"personal_code": JANIS}, passport | {"birth_date": "16.11.1975"}) == [
        (3, "Cits identifikators", "Šī persona jau ir 2. rindā."),
    ]


def test_a_household_has_one_head() -> None:
    assert together(
        {"personal_code": JANIS, "household_key": "A", "household_role": "galva"},
        {
            "personal_code": "020378-11018",
            "first_name": "Ilze",
            "household_key": "A",
            "household_role": "galva",
        },
        {
            "personal_code": "300708-21021",
            "first_name": "Ēriks",
            "household_key": "B",
            "household_role": "galva",
        },
    ) == [(3, "Loma", "Mājsaimniecībai “A” jau ir galva (2. rinda).")]


def test_header_column_lookup_is_empty_for_absent_columns() -> None:
    assert Header(("first_name",), {"first_name": "Vārds"}).column("email") == ""
