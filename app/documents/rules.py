"""Pure rules for stored files: what a file really is (by its bytes, never by its name or the browser's
word), whether it may be stored, how its name is cleaned, and how a download names it (RFC 6266).

Accepted: PDF, JPEG, PNG, Office Open XML documents and workbooks (DOCX, XLSX), OpenDocument text
(ODT), and plain UTF-8 text. A ZIP-based file is accepted only when its own manifest says it is one of
those (macro-enabled variants and other ZIPs are refused), read with bounds against ZIP bombs."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from app.i18n import N_

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # 20 MB
# The document register's directions: ienākošais and izejošais dokuments.
DIRECTIONS = {"in": N_("Incoming"), "out": N_("Outgoing")}
MAX_FILENAME = 255
MAX_MANIFEST = 512 * 1024  # [Content_Types].xml or mimetype: a few KB in real files
MAX_ZIP_MEMBERS = 10_000

TOO_LARGE = N_("The file is larger than the upload limit.")
EMPTY = N_("The file is empty.")
NO_FILE = N_("Choose a file to upload.")
REFUSED_TYPE = N_(
    "This kind of file cannot be uploaded. Upload a PDF, a JPEG or PNG image, a Word (DOCX), Excel (XLSX) "
    "or OpenDocument (ODT) document, or a plain text file."
)


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
JPEG = FileType("image/jpeg", ".jpg", "JPEG")
PNG = FileType("image/png", ".png", "PNG")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "DOCX")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "XLSX")
ODT = FileType("application/vnd.oasis.opendocument.text", ".odt", "ODT")
TEXT = FileType("text/plain; charset=utf-8", ".txt", "TXT")
KNOWN = (PDF, JPEG, PNG, DOCX, XLSX, ODT, TEXT)
EXTENSIONS = {".jpeg": JPEG, ".jpe": JPEG, **{t.extension: t for t in KNOWN}}

# The main part's content type in [Content_Types].xml; the macro-enabled ones (…macroEnabled.main+xml)
# differ, so they are not matched.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_OVERRIDE = re.compile(rb"<Override\b[^>]*>", re.IGNORECASE)
_CONTENT_TYPE = re.compile(rb'ContentType\s*=\s*"([^"]+)"', re.IGNORECASE)
_PART_NAME = re.compile(rb'PartName\s*=\s*"([^"]+)"', re.IGNORECASE)
_MAIN_PARTS = {b"/word/document.xml": DOCX, b"/xl/workbook.xml": XLSX}
# Text files: any character but the controls other than tab, line feed, carriage return and form feed.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _zip_type(data: bytes) -> FileType | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
        return None
    if len(members) > MAX_ZIP_MEMBERS:
        return None
    names = {m.filename: m for m in members}

    def read(name: str) -> bytes | None:
        info = names.get(name)
        if info is None or info.file_size > MAX_MANIFEST:
            return None
        try:
            with archive.open(info) as fh:
                content = fh.read(MAX_MANIFEST + 1)  # bounded even if the size in the header lies
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
            return None
        return content if len(content) <= MAX_MANIFEST else None

    if "mimetype" in names:  # OpenDocument: an uncompressed first entry naming the type
        mimetype = read("mimetype")
        return ODT if mimetype is not None and mimetype.strip() == ODT.content_type.encode() else None
    manifest = read("[Content_Types].xml")
    if manifest is None:
        return None
    for override in _OVERRIDE.findall(manifest):
        part, kind = _PART_NAME.search(override), _CONTENT_TYPE.search(override)
        if not part or not kind:
            continue
        found = _OOXML_MAIN.get(kind.group(1).decode("ascii", "replace"))
        if (
            found is not None
            and _MAIN_PARTS.get(part.group(1)) is found
            and part.group(1)[1:].decode() in names
        ):
            return found
    return None


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and not _TEXT_CONTROL.search(text)


def detect_type(data: bytes) -> FileType | None:
    """The file's type by its content (magic bytes, a ZIP's manifest, valid UTF-8 text), or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return TEXT if _is_text(data) else None


def clean_filename(name: str | None, file_type: FileType) -> str:
    """The browser's file name without any path, control characters or quotes, at most 255 characters,
    ending in an extension of the detected type (a PDF named "scan.png" becomes "scan.png.pdf")."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '"<>|*?:')
    base = " ".join(base.split()).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot or EXTENSIONS.get("." + ext.lower()) is not file_type:
        base = (base or "dokuments") + file_type.extension
        stem, _, ext = base.rpartition(".")
    if len(base) > MAX_FILENAME:
        base = stem[: MAX_FILENAME - len(ext) - 1] + "." + ext
    return base


def _ascii_fallback(filename: str) -> str:
    decomposed = unicodedata.normalize("NFKD", filename)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\%;' else "_" for ch in plain)


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An ASCII name for old clients and the exact one for the rest (RFC 6266, RFC 8187):
    `attachment; filename="Berzins.pdf"; filename*=UTF-8''B%C4%93rzi%C5%86%C5%A1.pdf`."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{_ascii_fallback(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass(frozen=True)
class CheckedFile:
    file_type: FileType
    filename: str
    size: int
    sha256: str


def check_file(
    data: bytes | None, filename: str | None, max_bytes: int, errors: dict[str, list[str]]
) -> CheckedFile | None:
    """Whether `data` may be stored; messages under "file". `data` None: no file was chosen. The caller
    reads at most `max_bytes + 1` bytes, so a longer file arrives as exactly that many."""
    if data is None:
        errors["file"] = [NO_FILE]
        return None
    if len(data) > max_bytes:
        errors["file"] = [TOO_LARGE]
        return None
    if not data:
        errors["file"] = [EMPTY]
        return None
    file_type = detect_type(data)
    if file_type is None:
        errors["file"] = [REFUSED_TYPE]
        return None
    return CheckedFile(
        file_type, clean_filename(filename, file_type), len(data), hashlib.sha256(data).hexdigest()
    )


def megabytes(max_bytes: int) -> str:
    """The limit as the form's hint shows it ("20")."""
    value = max_bytes / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
