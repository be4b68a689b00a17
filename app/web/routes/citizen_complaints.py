"""The citizen's complaint form (/citizen/complaint): a complaint, submission or suggestion to a chosen
municipality, with files attached, named after the signed-in citizen or — for a complaint or a suggestion
— anonymous without signing in. The same act as the API's `POST /api/v1/citizen/complaints`; a refused
form comes back with its messages in place (422), and nothing is kept."""

from __future__ import annotations

from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from app.api.v1.citizen import file_submission
from app.auth.citizen import citizen_config, citizen_of
from app.domains.complaints import rules
from app.errors import InvalidInput
from app.i18n import N_
from app.tenants.queries import municipality_list
from app.web.deps import resources
from app.web.htmx import is_fragment, refused

PATH = "/citizen/complaint"
PAGE = "citizen/complaint.html"
FIELDS = ("municipality", "kind", "subject", "text", "contact", "anonymous")
MAX_BODY = rules.MAX_ATTACHMENTS * rules.MAX_ATTACHMENT_BYTES + 256 * 1024
SIGN_IN_FOR_NAME = N_("Sign in to send it with your name, or choose to send it anonymously.")
TOO_LARGE = N_("The files together are too large: at most 5 files of 5 MB each.")


async def _context(request: Request[Any, Any, Any], **extra: Any) -> dict[str, Any]:
    async with resources(request).sessions() as db:
        municipalities = await municipality_list(db)
    return {
        "citizen": citizen_of(request),
        "sign_in_offered": citizen_config(request) is not None,
        "municipalities": [(m.slug, m.name) for m in municipalities],
        "kinds": rules.KINDS,
        "values": {"kind": "complaint", **extra.pop("values", {})},
        "errors": {},
        "receipt": None,
        "focus": None,
        **extra,
    }


@get(PATH, name="citizen.complaint")
async def complaint_form(request: HTMXRequest) -> Template:
    return Template(template_name=PAGE, context=await _context(request))


async def _read(request: Request[Any, Any, Any]) -> tuple[dict[str, str], list[tuple[str | None, bytes]]]:
    """The form's fields and the chosen files (each at most one byte over the limit: enough to refuse it)."""
    form = await request.form()
    values: dict[str, str] = {}
    files: list[tuple[str | None, bytes]] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key == "attachments" and value.filename and len(files) <= rules.MAX_ATTACHMENTS:
                files.append((value.filename, await value.read(rules.MAX_ATTACHMENT_BYTES + 1)))
        elif key in FIELDS and isinstance(value, str):
            values[key] = value[: rules.MAX_TEXT]
    return values, files


@post(PATH, name="citizen.complaint.submit", status_code=200, request_max_body_size=MAX_BODY)
async def submit_complaint(request: HTMXRequest) -> Response[Any]:
    citizen = citizen_of(request)
    try:
        values, files = await _read(request)
    except ClientException:  # larger than MAX_BODY, or cut short
        context = await _context(request, errors={"attachments": [TOO_LARGE]})
        return refused(request, context, page=PAGE, block="complaint_form")
    anonymous = values.get("anonymous") == "1"
    try:
        if citizen is None and not anonymous:
            raise InvalidInput({"anonymous": [SIGN_IN_FOR_NAME]})
        receipt = await file_submission(
            request,
            citizen,
            municipality=values.get("municipality"),
            kind=values.get("kind"),
            subject=values.get("subject"),
            text=values.get("text"),
            anonymous=anonymous,
            contact=values.get("contact"),
            attachments=files,
            unreadable={},
        )
    except InvalidInput as exc:
        errors = dict(exc.errors)
        for key in [k for k in errors if k.startswith("attachments.")]:  # the form has one file field
            errors.setdefault("attachments", []).extend(errors.pop(key))
        context = await _context(request, values=values, errors=errors, focus=next(iter(errors), None))
        return refused(request, context, page=PAGE, block="complaint_form")
    context = await _context(request, receipt=receipt)
    if is_fragment(request):
        return HTMXBlockTemplate(template_name=PAGE, block_name="complaint_form", context=context)
    return Template(template_name=PAGE, context=context)


router = Router(path="/", route_handlers=[complaint_form, submit_complaint], include_in_schema=False)
