"""Reading an incumbent system's export (SOPA and the like) of persons and households: a CSV or XLSX file
whose first row names the columns, in Latvian or English.

This module only turns bytes into numbered rows of raw cell values keyed by column; what a value means
is `importing_rows`'s business. Whatever is wrong with the file as a whole (its type, size, encoding, the
header) raises `FileRefused` with every problem found, each a msgid with its parameters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from app.i18n import N_

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 60
# An XLSX is a zip: its parts may expand to this much at most (a 20 MB "zip bomb" would expand to GBs).
MAX_XLSX_EXPANDED = 400 * 1024 * 1024
MAX_FILENAME = 255

Value = str | int | float | dt.date | dt.datetime | bool | None


@dataclass(frozen=True)
class Problem:
    """One message for the error report: `row` as numbered in the file (the header is row 1, 0 for the
    file as a whole), `column` the header as written in the file ("" for the whole row), `message` a msgid
    formatted with `params`."""

    row: int
    column: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "column": self.column, "message": self.message}
        if self.params:
            data["params"] = self.params
        return data


class FileRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def refuse(message: str, **params: Any) -> FileRefused:
    return FileRefused([Problem(0, "", message, params)])


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # msgid, for the help on the upload page
    names: tuple[str, ...]  # header names accepted, Latvian first; compared folded (case, diacritics)


# fmt: off
COLUMNS: tuple[Column, ...] = (
    Column("personal_code", N_("Personal code"), ("Personas kods", "Personal code", "PK", "P.k.")),
    Column("other_id_kind", N_("Other identifier: kind"),
           ("Cita identifikatora veids", "Dokumenta veids", "Identifikatora veids", "Other ID kind",
            "ID document type", "Document type")),
    Column("other_id", N_("Other identifier: number"),
           ("Cits identifikators", "Dokumenta numurs", "Identifikators", "Other ID", "ID document number",
            "Document number")),
    Column("first_name", N_("First name"), ("Vārds", "First name", "Given name")),
    Column("last_name", N_("Last name"), ("Uzvārds", "Last name", "Surname", "Family name")),
    Column("birth_date", N_("Birth date"),
           ("Dzimšanas datums", "Dzim. datums", "Birth date", "Date of birth")),
    Column("sex", N_("Sex"), ("Dzimums", "Sex", "Gender")),
    Column("citizenship", N_("Citizenship"), ("Pilsonība", "Citizenship")),
    Column("legal_status", N_("Legal status"), ("Juridiskais statuss", "Statuss", "Legal status")),
    Column("phone", N_("Phone"), ("Tālrunis", "Telefons", "Tālruņa numurs", "Phone", "Telephone")),
    Column("email", N_("E-mail"), ("E-pasts", "E-pasta adrese", "E-mail", "Email")),
    Column("address_line", N_("Declared address"),
           ("Deklarētā adrese", "Adrese", "Declared address", "Address", "Address line")),
    Column("locality", N_("Locality"),
           ("Apdzīvotā vieta", "Apdzīvota vieta", "Pilsēta", "Locality", "City", "Town")),
    Column("postal_code", N_("Postal code"), ("Pasta indekss", "Indekss", "Postal code", "Postcode")),
    Column("address_from", N_("Address declared since"),
           ("Deklarēta no", "Adrese deklarēta no", "Deklarēšanas datums", "Declared since", "Address from")),
    Column("household_key", N_("Household"),
           ("Mājsaimniecība", "Mājsaimniecības ID", "Mājsaimniecības kods", "Mājsaimniecības Nr.",
            "Ģimenes ID", "Household", "Household ID", "Household key", "Family ID")),
    Column("household_role", N_("Role in the household"),
           ("Loma mājsaimniecībā", "Loma", "Household role", "Role")),
    Column("joined_on", N_("In the household since"),
           ("Mājsaimniecībā no", "Pievienošanās datums", "Iestāšanās datums", "Joined on", "Joined",
            "Member since")),
)
# fmt: on
BY_KEY = {c.key: c for c in COLUMNS}


def fold(text: str) -> str:
    """Header comparison key: case and diacritics ignored, punctuation and spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


_HEADER_INDEX: dict[str, str] = {fold(name): c.key for c in COLUMNS for name in c.names}


@dataclass(frozen=True)
class Header:
    """The file's columns: which field each position holds (None: a column without a name, whose cells
    must stay empty), and each field's header as written."""

    positions: tuple[str | None, ...]
    names: dict[str, str]  # field key → header as written in the file

    def column(self, key: str) -> str:
        return self.names.get(key, "")


def map_header(cells: list[Value]) -> Header:
    """Which field each column is; every problem of the header at once (unknown, repeated and missing
    columns) as a FileRefused."""
    problems: list[Problem] = []
    positions: list[str | None] = []
    names: dict[str, str] = {}
    texts = [_cell_text(c) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    if not texts:
        raise refuse(N_("The first row must hold the column names (Vārds, Uzvārds, Personas kods, …)."))
    for text in texts:
        if not text:
            positions.append(None)
            continue
        key = _HEADER_INDEX.get(fold(text))
        if key is None:
            problems.append(
                Problem(
                    1, text[:100], N_("Unknown column. Rename it to one of the names below or remove it.")
                )
            )
            positions.append(None)
        elif key in names:
            problems.append(
                Problem(
                    1, text[:100], N_("This column repeats the column “%(other)s”."), {"other": names[key]}
                )
            )
            positions.append(None)
        else:
            names[key] = text
            positions.append(key)
    for key in ("first_name", "last_name"):
        if key not in names:
            problems.append(_missing(key))
    if "personal_code" not in names and not {"other_id_kind", "other_id"} <= names.keys():
        problems.append(_missing("personal_code"))
    for needs, needed in (
        ("other_id", "other_id_kind"),
        ("other_id_kind", "other_id"),
        ("household_role", "household_key"),
        ("joined_on", "household_key"),
        ("household_key", "household_role"),
        ("locality", "address_line"),
        ("postal_code", "address_line"),
        ("address_from", "address_line"),
    ):
        if needs in names and needed not in names and not any(p.column == names[needs] for p in problems):
            problems.append(
                Problem(
                    1,
                    names[needs],
                    N_("This column needs the column “%(needed)s” too."),
                    {"needed": BY_KEY[needed].names[0]},
                )
            )
    if problems:
        raise FileRefused(problems)
    return Header(tuple(positions), names)


def _missing(key: str) -> Problem:
    return Problem(1, "", N_("The column “%(column)s” is missing."), {"column": BY_KEY[key].names[0]})


def _cell_text(value: Value) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


@dataclass(frozen=True)
class RawRow:
    row: int  # as numbered in the file (the header is row 1)
    values: dict[str, Value]  # field key → cell value, empty cells left out
    stray: tuple[int, ...] = ()  # 1-based positions of non-empty cells under no column


@dataclass
class Table:
    """An opened file: its header, an estimate of its data rows (for the progress bar) and its rows."""

    kind: str  # csv | xlsx
    header: Header
    estimated_rows: int
    _rows: Iterator[tuple[int, list[Value]]]
    _close: Any = None

    def rows(self) -> Iterator[RawRow]:
        """Data rows without the blank ones; FileRefused past MAX_ROWS."""
        count = 0
        positions = self.header.positions
        try:
            for number, cells in self._rows:
                values: dict[str, Value] = {}
                stray: list[int] = []
                for i, cell in enumerate(cells):
                    if cell is None or (isinstance(cell, str) and not cell.strip()):
                        continue
                    key = positions[i] if i < len(positions) else None
                    if key is None:
                        stray.append(i + 1)
                    else:
                        values[key] = cell
                if not values and not stray:
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise refuse(
                        N_("The file has more than %(max)s rows: split it into smaller files."),
                        max=f"{MAX_ROWS:,}".replace(",", " "),
                    )
                yield RawRow(number, values, tuple(stray))
        finally:
            self.close()

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None


# --- recognising and opening a file ---------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc)


def file_kind(filename: str, content: bytes) -> str:
    """csv or xlsx, by the content (the name's extension only has to agree); FileRefused otherwise."""
    name = filename.lower()
    if not content:
        raise refuse(N_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise refuse(N_("The file is larger than %(max)s MB."), max=MAX_FILE_BYTES // (1024 * 1024))
    if content.startswith(_OLE) or name.endswith(".xls"):
        raise refuse(N_("The old Excel format (.xls) is not accepted: save the file as .xlsx or CSV."))
    if content.startswith(_ZIP):
        if not name.endswith(".xlsx"):
            raise refuse(N_("Only CSV and XLSX files are accepted."))
        return "xlsx"
    if not name.endswith((".csv", ".txt")):
        raise refuse(N_("Only CSV and XLSX files are accepted."))
    return "csv"


def open_table(filename: str, content: bytes) -> Table:
    """The file's header checked and its rows ready to read; FileRefused for a file that cannot be one."""
    kind = file_kind(filename, content)
    return _open_xlsx(content) if kind == "xlsx" else _open_csv(content)


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1257 (Baltic), as Latvian exports come."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1257")
        except UnicodeDecodeError:
            raise refuse(
                N_("The file is neither UTF-8 nor Windows-1257 text: save it as CSV (UTF-8).")
            ) from None
    if "\x00" in text:
        raise refuse(N_("The file contains binary data (NUL characters): it is not a CSV file."))
    return text


def sniff_delimiter(first_line: str) -> str:
    """; (Latvian Excel's default), , or tab: whichever the header line holds most of, outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _open_csv(content: bytes) -> Table:
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    records = _csv_records(text, delimiter)
    try:
        header_cells = next(records)[1]
    except StopIteration:
        raise refuse(N_("The file is empty.")) from None
    header = map_header(list(header_cells))
    # Counting the records is cheap next to checking them, and gives the progress bar its end.
    estimated = sum(1 for _ in _csv_records(text, delimiter, count_only=True)) - 1
    return Table("csv", header, max(estimated, 0), records)


def _csv_records(text: str, delimiter: str, count_only: bool = False) -> Iterator[tuple[int, list[Value]]]:
    """(record number, cells); a record is one row as a spreadsheet numbers it, whatever line breaks
    its quoted cells hold."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for cells in reader:
            number += 1
            if len(cells) > MAX_COLUMNS:
                raise refuse(N_("Row %(row)s has more than %(max)s columns."), row=number, max=MAX_COLUMNS)
            yield number, ([] if count_only else list(cells))
    except csv.Error:
        raise refuse(
            N_("Row %(row)s cannot be read as CSV (an unclosed quote or a cell that is too long)."),
            row=number + 1,
        ) from None


def _open_xlsx(content: bytes) -> Table:
    import openpyxl  # only the worker and the upload check need it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if "xl/workbook.xml" not in archive.namelist():
                raise refuse(N_("The file is not an Excel workbook (.xlsx)."))
            if sum(p.file_size for p in parts) > MAX_XLSX_EXPANDED:
                raise refuse(N_("The workbook is too large when unpacked: save it as CSV."))
    except zipfile.BadZipFile:
        raise refuse(N_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        first = next(rows, None)
    except FileRefused:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise refuse(
            N_("The Excel workbook cannot be read: it may be damaged. Save it again or as CSV.")
        ) from None
    if first is None:
        workbook.close()
        raise refuse(N_("The file is empty."))
    try:
        header = map_header(list(first))
    except FileRefused:
        workbook.close()
        raise
    estimated = max((sheet.max_row or 1) - 1, 0)

    def numbered() -> Iterator[tuple[int, list[Value]]]:
        try:
            for number, cells in enumerate(rows, start=2):
                yield number, list(cells)
        except FileRefused:
            raise
        except Exception:
            raise refuse(
                N_("The Excel workbook cannot be read: it may be damaged. Save it again or as CSV.")
            ) from None

    return Table("xlsx", header, estimated, numbered(), workbook.close)


def check_upload(filename: str, content: bytes) -> Header:
    """What the upload checks at once (the worker reads the rows): a name, the type, the size, the
    header. FileRefused lists what is wrong."""
    if not filename.strip():
        raise refuse(N_("Choose a file."))
    if len(filename) > MAX_FILENAME:
        raise refuse(N_("The file name is too long."))
    table = open_table(filename, content)
    table.close()
    return table.header
