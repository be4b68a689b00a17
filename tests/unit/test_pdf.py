"""HTML → PDF (app/documents/pdf.py): bundled fonts carry the Latvian letters, PDF/A-3b metadata, and
nothing outside the bundled fonts is ever fetched."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.documents.pdf import (
    FONT_FACES,
    FONTS_DIR,
    PRINT_SANS,
    PRINT_SERIF,
    LocalOnlyFetcher,
    RefusedResource,
    render_pdf,
)

LETTERS = "āčēģīķļņšūž ĀČĒĢĪĶĻŅŠŪŽ"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def page(body: str, title: str = "Pārbaude") -> str:
    return (
        f'<!DOCTYPE html><html lang="lv"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{FONT_FACES} body {{ font-family: '{PRINT_SERIF}' }} h1 {{ font-family: '{PRINT_SANS}' }}"
        f"</style></head><body>{body}</body></html>"
    )


def run(tool: list[str], pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "t.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        [*tool, str(source), *(["-"] if tool[0] == "pdftotext" else [])],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_every_declared_face_is_a_bundled_file_with_its_licence() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"):
        assert f'url("{name}")' in FONT_FACES
        assert (FONTS_DIR / name).stat().st_size > 100_000
    assert "bitstream-vera" in (FONTS_DIR / "LICENSE").read_text()


@needs_poppler
def test_latvian_letters_come_out_as_text_in_the_bundled_fonts(tmp_path) -> None:
    pdf = render_pdf(page(f"<h1>Lēmums</h1><p>{LETTERS} — 337,00 €</p>"))
    assert pdf.startswith(b"%PDF-")
    text = run(["pdftotext"], pdf, tmp_path)
    assert "Lēmums" in text and LETTERS in text and "337,00 €" in text
    fonts = run(["pdffonts"], pdf, tmp_path)
    assert "Atbalsts-Sans-Bold" in fonts and "Atbalsts-Serif" in fonts
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5] == "yes", line  # embedded


@needs_poppler
def test_pdf_a_3b_by_default_and_a_plain_pdf_on_request(tmp_path) -> None:
    meta = run(["pdfinfo", "-meta"], render_pdf(page("<p>Teksts</p>", title="Lēmums Nr. 1")), tmp_path)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta and "Lēmums Nr. 1" in meta
    plain = run(["pdfinfo", "-meta"], render_pdf(page("<p>Teksts</p>"), variant=None), tmp_path)
    assert "pdfaid" not in plain


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        f"file://{FONTS_DIR}/../pdf.py",
        f"file://{FONTS_DIR}/LICENSE/../../../config.py",
        "ftp://example.com/x",
    ],
)
def test_the_fetcher_refuses_anything_but_the_bundled_fonts(url) -> None:
    with pytest.raises((RefusedResource, ValueError)):
        LocalOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_fonts_and_data_uris() -> None:
    font = LocalOnlyFetcher().fetch(f"{FONTS_DIR.as_uri()}/DejaVuSans.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType file
    data = LocalOnlyFetcher().fetch("data:text/plain;base64,TMSTbXVtcw==")
    assert data.read().decode() == "Lēmums"


@needs_poppler
def test_an_outside_image_is_left_out_and_the_rest_renders(tmp_path) -> None:
    pdf = render_pdf(
        page('<p>Pirms</p><img src="http://127.0.0.1:9/x.png"><img src="/etc/passwd"><p>Pēc</p>')
    )
    text = run(["pdftotext"], pdf, tmp_path)
    assert "Pirms" in text and "Pēc" in text
