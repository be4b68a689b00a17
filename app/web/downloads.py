"""A stored file of a person's case sent to the browser: the one way every download answers."""

from __future__ import annotations

from litestar import Response

from app.documents.rules import content_disposition


def private_file(content: bytes, content_type: str, filename: str) -> Response[bytes]:
    """`content` as an attachment named `filename`. Personal data: kept by no cache, and never run as a
    page even if a browser were to sniff it. Litestar adds "; charset=utf-8" to text/ types itself (stored
    text is UTF-8), so a stored parameter is dropped rather than repeated."""
    return Response(
        content,
        media_type=content_type.split(";", 1)[0].strip(),
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
