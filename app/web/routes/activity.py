"""The activity report (/reports/activity?user=&from=&to=): entries and hours per activity kind and
worker over a period, with totals; as a page, and as CSV for Excel (UTF-8 with a byte-order mark, the
reader's language for the headers, and in Latvian the separator and decimal comma Latvian Excel expects)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal
from typing import Any

from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.documents.rules import content_disposition
from app.domains.cases import rules
from app.domains.cases.queries import staff_choices
from app.domains.cases.timeline import activity_report
from app.errors import InvalidInput
from app.i18n import N_, gettext
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.routes.case_forms import dotted, today
from app.web.templating import language_of

PAGE = "cases/activity.html"
UNKNOWN_WORKER = N_("Choose a staff member from the list.")


def _period(form: FilterForm) -> tuple[dt.date | None, dt.date | None]:
    """The period asked for; by default this month up to today."""
    first, last = form.period("from", "to")
    if not form.values["from"] and not form.values["to"] and "from" not in form.errors:
        now = today()
        first, last = now.replace(day=1), now
        form.values["from"], form.values["to"] = dotted(first), dotted(last)
    return first, last


async def _report(
    request: HTMXRequest, actor: Actor, db: AsyncSession
) -> tuple[FilterForm, rules.ActivitySummary | None, uuid.UUID | None]:
    actor.require(Permission.CASE_VIEW)
    form = FilterForm(request.query_params, ("user", "from", "to"))
    may_see_all = actor.can(Permission.ACTIVITY_REPORT_VIEW)
    user = form.uuid("user", UNKNOWN_WORKER)
    if not form.values["user"] and not may_see_all:
        user = actor.user_id  # one's own report: the only one without the permission
    first, last = _period(form)
    errors: rules.Errors = {}
    if not form.errors:
        rules.check_report_period(first, last, errors)
    for name, messages in errors.items():
        form.errors[name] = messages[0]
    if form.errors or first is None or last is None:
        return form, None, user
    try:
        summary = await activity_report(db, actor, user_id=user, first=first, last=last)
    except InvalidInput as exc:
        form.errors.update({k: v[0] for k, v in exc.errors.items()})
        return form, None, user
    return form, summary, user


async def _page(
    actor: Actor,
    db: AsyncSession,
    form: FilterForm,
    summary: rules.ActivitySummary | None,
    user: uuid.UUID | None,
) -> Template:
    may_see_all = actor.can(Permission.ACTIVITY_REPORT_VIEW)
    assert actor.tenant_id is not None
    workers = await staff_choices(db, actor.tenant_id) if may_see_all else ()
    context = {
        "form": form,
        "summary": summary,
        "kinds": rules.ENTRY_KINDS,
        "may_see_all": may_see_all,
        "workers": workers,
        "user": str(user) if user else "",
        "csv_url": form.url("/reports/activity.csv"),
    }
    return Template(template_name=PAGE, context=context, status_code=422 if form.errors else 200)


@get("/reports/activity", name="activity.report")
async def activity_page(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    form, summary, user = await _report(request, actor, db)
    return await _page(actor, db, form, summary, user)


def _cell(value: str | int | Decimal, lang: str) -> str | int:
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",") if lang == "lv" else f"{value:.2f}"
    return value


@get("/reports/activity.csv", name="activity.csv")
async def activity_csv(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Response[Any]:
    form, summary, user = await _report(request, actor, db)
    if summary is None:  # the filters need correcting: the page says how
        return await _page(actor, db, form, summary, user)
    lang = language_of(request)
    labels = [gettext(lang, rules.ENTRY_KINDS[k]) for k in summary.kinds]
    headers = [gettext(lang, h) for h in (N_("Staff member"), N_("entries"), N_("hours"), N_("Total"))]
    table = rules.activity_table(summary, labels, headers, gettext(lang, N_("Total")))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "lv" else ",", lineterminator="\r\n")
    for row in table:
        writer.writerow([_cell(v, lang) for v in row])
    name = gettext(lang, N_("activity-report")) + f"-{form.values['from']}-{form.values['to']}.csv"
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to every text/ type
        headers={"Content-Disposition": content_disposition(name), "Cache-Control": "private, no-store"},
    )


router = Router(path="/", route_handlers=[activity_page, activity_csv], include_in_schema=False)
