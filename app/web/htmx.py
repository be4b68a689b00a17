"""What the pages' routes share about htmx: whether a request wants a fragment, and the answer to a
refused form."""

from __future__ import annotations

from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template


def is_fragment(request: HTMXRequest, target: str | None = None) -> bool:
    """An htmx request (for the element `target`, when one is named) that wants a part of the page; a
    history restore wants the whole page."""
    htmx = request.htmx
    if not htmx or htmx.history_restore_request:
        return False
    return target is None or htmx.target == target


def refused(
    request: HTMXRequest, context: dict[str, Any], *, page: str, block: str, block_page: str | None = None
) -> Template:
    """A refused form shown again with its messages (422): for htmx only its block (of `block_page` when
    the form lives in another page than its own, e.g. a dialog), otherwise the whole `page`."""
    if is_fragment(request):
        return HTMXBlockTemplate(
            template_name=block_page or page, block_name=block, context=context, status_code=422
        )
    return Template(template_name=page, context=context, status_code=422)
