"""HTML → PDF with WeasyPrint, for documents the platform issues (decisions, certificates).

- Fonts ship with the application (app/documents/fonts, DejaVu: covers ā č ē ģ ī ķ ļ ņ š ū ž): the
  output never depends on what fontconfig finds on the host. Print templates use the families
  `PRINT_SANS` / `PRINT_SERIF` declared by `FONT_FACES`.
- The fetcher serves only those bundled files and data: URIs. Anything else a template (or user data in
  it) names is refused, so a PDF render cannot reach the network or read other local files.
- PDF/A-3b by default: an archival PDF with embedded fonts, as documents of an authority are kept.

WeasyPrint is CPU-bound and single-threaded: render in workers, not in the request thread (design §7 of
the stack notes); `render_pdf` is plain sync code for that reason."""

from __future__ import annotations

import base64
import threading
import urllib.parse
from functools import cache
from pathlib import Path
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
BASE_URL = FONTS_DIR.as_uri() + "/"
PDF_VARIANT = "pdf/a-3b"

PRINT_SANS = "Atbalsts Sans"
PRINT_SERIF = "Atbalsts Serif"

_FACES = (
    (PRINT_SANS, "DejaVuSans.ttf", "normal", "normal"),
    (PRINT_SANS, "DejaVuSans-Bold.ttf", "bold", "normal"),
    (PRINT_SANS, "DejaVuSans-Oblique.ttf", "normal", "italic"),
    (PRINT_SERIF, "DejaVuSerif.ttf", "normal", "normal"),
    (PRINT_SERIF, "DejaVuSerif-Bold.ttf", "bold", "normal"),
    (PRINT_SERIF, "DejaVuSerif-Italic.ttf", "normal", "italic"),
)
# Family names of our own: a template asking for them gets the bundled files, never a host font.
FONT_FACES = "\n".join(
    f'@font-face {{ font-family: "{family}"; src: url("{file}"); font-weight: {weight}; '
    f"font-style: {style}; }}"
    for family, file, weight, style in _FACES
)


class RefusedResource(ValueError):
    """A template named something outside the bundled fonts (WeasyPrint logs it and goes on without)."""


class LocalOnlyFetcher(URLFetcher):
    """Serves the bundled font files and data: URIs; refuses every other URL (http, other files)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return _data_uri(url)
        if url.startswith("file:"):
            path = Path(url2pathname(urllib.parse.urlsplit(url).path)).resolve()
            if path.parent == FONTS_DIR and path.is_file():
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/ttf"})
        raise RefusedResource(f"not a bundled resource: {url[:100]}")


def _data_uri(url: str) -> URLFetcherResponse:
    header, _, data = url[5:].partition(",")
    media_type = header.split(";")[0] or "text/plain"
    body = base64.b64decode(data) if header.endswith(";base64") else urllib.parse.unquote_to_bytes(data)
    return URLFetcherResponse(url, body, {"Content-Type": media_type})


# One font configuration per process (the stack notes): loading the faces is most of the warm-up. WeasyPrint
# is not known to be thread-safe around it, and a worker runs actors in threads: one render at a time.
_lock = threading.Lock()


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


def render_pdf(html: str, *, variant: str | None = PDF_VARIANT) -> bytes:
    """The PDF of a complete HTML document (with `<html lang>`, `<title>`, and `FONT_FACES` in its style).
    `variant` None gives a plain PDF."""
    with _lock:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher())
        pdf = document.write_pdf(font_config=_font_config(), pdf_variant=variant)
    assert isinstance(pdf, bytes)
    return pdf
