"""What a file is, by its content; which files may be stored; how names are cleaned and sent (RFC 6266)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import unquote

import pytest

from app.documents import rules

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"


def ooxml(part: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", manifest)
        z.writestr(part, "<document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def odf(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


DOCX = ooxml("word/document.xml", WORD_MAIN)
XLSX = ooxml("xl/workbook.xml", EXCEL_MAIN)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, rules.PDF),
        (JPEG, rules.JPEG),
        (PNG, rules.PNG),
        (DOCX, rules.DOCX),
        (XLSX, rules.XLSX),
        (odf(), rules.ODT),
        ("Iesniegums.\nLūdzu piešķirt pabalstu.\n".encode(), rules.TEXT),
        ("\ufeffAr BOM: ā č ē".encode(), rules.TEXT),
    ],
)
def test_accepted_types_are_recognised_by_their_content(data: bytes, expected: rules.FileType) -> None:
    assert rules.detect_type(data) is expected


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows program
        b"\x7fELF\x02\x01\x01",  # a Linux program
        b"GIF89a\x01\x00",  # an image of a kind not accepted
        ooxml("word/document.xml", WORD_MACRO),  # a Word document with macros (.docm)
        ooxml("word/other.xml", WORD_MAIN),  # the main part is not where Word keeps it
        ooxml("word/document.xml", WORD_MAIN)[:-30],  # a broken archive
        odf("application/vnd.oasis.opendocument.spreadsheet"),  # OpenDocument, but not text
        b"PK\x03\x04" + b"\x00" * 40,  # only the magic of a ZIP
        b"teksts\x00ar NUL",
        "Latin-1: \xe2".encode("latin-1"),  # not UTF-8
        b"   \n\t ",  # nothing but blank space
    ],
)
def test_other_content_is_refused_whatever_it_is_called(data: bytes) -> None:
    assert rules.detect_type(data) is None


def test_a_zip_whose_manifest_claims_to_be_huge_is_not_read() -> None:
    big = ooxml("word/document.xml", WORD_MAIN).replace(b"<Types", b"<Types " + b" " * 10, 1)
    assert rules.detect_type(big) is rules.DOCX
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        # Compresses to a few kilobytes, would expand to 2 MB: never read past the limit.
        z.writestr("[Content_Types].xml", b" " * (2 * 1024 * 1024))
        z.writestr("word/document.xml", "<document/>")
    assert rules.detect_type(buf.getvalue()) is None


def test_check_file_reports_missing_empty_too_large_and_refused() -> None:
    for data, message in [
        (None, rules.NO_FILE),
        (b"", rules.EMPTY),
        (PDF + b"x" * 100, rules.TOO_LARGE),
        (b"MZ\x90\x00", rules.REFUSED_TYPE),
    ]:
        errors: dict[str, list[str]] = {}
        assert rules.check_file(data, "a.pdf", 64, errors) is None
        assert errors == {"file": [message]}


def test_check_file_gives_type_name_size_and_sha256() -> None:
    errors: dict[str, list[str]] = {}
    checked = rules.check_file(PDF, "C:\\Dokumenti\\Iesniegums.pdf", 1024, errors)
    assert errors == {}
    assert checked == rules.CheckedFile(
        rules.PDF, "Iesniegums.pdf", len(PDF), hashlib.sha256(PDF).hexdigest()
    )


@pytest.mark.parametrize(
    ("given", "file_type", "cleaned"),
    [
        ("Bērziņš Jānis.pdf", rules.PDF, "Bērziņš Jānis.pdf"),
        ("../../etc/passwd.pdf", rules.PDF, "passwd.pdf"),
        ("scan.png", rules.PDF, "scan.png.pdf"),  # the name follows the content, not the other way
        ("foto.JPEG", rules.JPEG, "foto.JPEG"),
        ('a"b<c>\x00d.txt', rules.TEXT, "abcd.txt"),
        ("", rules.DOCX, "dokuments.docx"),
        ("  .  ", rules.ODT, "dokuments.odt"),
        ("x" * 300 + ".pdf", rules.PDF, "x" * 251 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(given: str, file_type: rules.FileType, cleaned: str) -> None:
    assert rules.clean_filename(given, file_type) == cleaned


def test_content_disposition_names_the_file_for_every_client() -> None:
    header = rules.content_disposition('Iesniegums "Bērziņš"; 50%.pdf')
    plain, star = header.split("; filename*=")
    assert plain == 'attachment; filename="Iesniegums _Berzins__ 50_.pdf"'
    assert star.startswith("UTF-8''") and unquote(star[len("UTF-8''") :]) == 'Iesniegums "Bērziņš"; 50%.pdf'
    assert all(32 < ord(ch) < 127 for ch in star)


def test_the_limit_is_shown_in_megabytes() -> None:
    assert rules.megabytes(rules.DEFAULT_MAX_BYTES) == "20"
    assert rules.megabytes(1536 * 1024) == "1.5"
