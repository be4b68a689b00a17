"""The municipality's benefit catalogue over the API (read only): the same reads as the catalogue pages.

The list is not paginated: a municipality's catalogue holds tens of entries (the default one has nine), so
it is returned whole, ordered by code; a cursor would only make every client loop for one page."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.v1.responses import ProblemOperation, problems
from app.auth.principal import Actor
from app.domains.benefits.catalogue import CatalogueFilter, benefit_type, benefit_types
from app.domains.benefits.models import BenefitType

Kind = Literal[
    "gmi", "housing", "needy_status", "low_income_status", "crisis", "means_tested", "voluntary",
    "out_of_family_care", "other",
]  # fmt: skip
AmountRule = Literal["fixed", "percent_of_threshold", "formula", "actual_cost_capped", "none"]
Money = Annotated[str, msgspec.Meta(pattern=r"^[0-9]+\.[0-9]{2}$", description="EUR, a decimal string.")]
Percent = Annotated[str, msgspec.Meta(pattern=r"^[0-9]+(\.[0-9]+)?$", description="A decimal string.")]


class YearlyCapTierOut(msgspec.Struct):
    children_from: Annotated[int, msgspec.Meta(description="The cap applies from this many children up.")]
    cap: Money


class AmountOut(msgspec.Struct):
    rule: Annotated[
        AmountRule,
        msgspec.Meta(
            description=(
                "`formula`: GMI and the housing benefit, computed by the means-test assessment; `none`: a "
                "status."
            )
        ),
    ]
    per: Literal["person", "household"]
    fixed: Money | None
    percent: Percent | None
    percent_of: Annotated[
        Literal["minimum_wage", "gmi", "needy", "low_income", "median"] | None,
        msgspec.Meta(description="What `percent` is taken of: the minimum wage or a first-person threshold."),
    ]
    cap: Annotated[Money | None, msgspec.Meta(description="Actual cost up to this, per payment.")]
    min_claim: Annotated[Money | None, msgspec.Meta(description="The receipts must add up to at least this.")]
    yearly_cap: Money | None
    yearly_cap_by_children: list[YearlyCapTierOut]
    times_per_year: int | None


class EligibilityOut(msgspec.Struct):
    requires_status: Literal["none", "needy", "low_income", "needy_or_low_income"]
    means_tested: bool
    threshold: Literal["gmi", "needy", "low_income", "custom"] | None
    custom_threshold: Money | None
    target_groups: list[Literal["child", "adult", "pensioner", "disability", "orphan", "large_family"]]
    min_age: int | None
    max_age: int | None
    residents_only: bool


class BenefitTypeOut(msgspec.Struct):
    id: uuid.UUID
    code: Annotated[str, msgspec.Meta(description='Unique in the municipality, e.g. "GMI", "KRIZE".')]
    name_lv: str
    name_en: str
    kind: Kind
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None
    active: bool
    eligibility: EligibilityOut
    amount: AmountOut
    frequency: Literal["one_off", "monthly", "per_period", "per_year"]
    payment_channel: Literal["client", "provider", "in_kind"]
    reporting_category: Annotated[
        Literal["gmi", "housing", "health_care", "other", "none"],
        msgspec.Meta(description="The MK 324 report's category."),
    ]
    decision_days: Annotated[int | None, msgspec.Meta(description="Decision deadline in working days.")]
    version: int


class BenefitTypeListOut(msgspec.Struct):
    items: list[BenefitTypeOut]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _out(b: BenefitType) -> BenefitTypeOut:
    tiers = [
        YearlyCapTierOut(int(t["children_from"]), f"{Decimal(str(t['cap'])):.2f}")
        for t in b.yearly_cap_by_children or ()
    ]
    given: Any = b  # the columns hold only the values their CHECK constraints allow (the Literals)
    return BenefitTypeOut(
        id=b.id,
        code=b.code,
        name_lv=b.name_lv,
        name_en=b.name_en,
        kind=given.kind,
        legal_basis=b.legal_basis,
        valid_from=b.valid_from,
        valid_to=b.valid_to,
        active=b.active,
        eligibility=EligibilityOut(
            requires_status=given.requires_status,
            means_tested=b.means_tested,
            threshold=given.threshold,
            custom_threshold=_money(b.custom_threshold),
            target_groups=list(b.target_groups or ()),  # type: ignore[arg-type]
            min_age=b.min_age,
            max_age=b.max_age,
            residents_only=b.residents_only,
        ),
        amount=AmountOut(
            rule=given.amount_rule,
            per=given.per,
            fixed=_money(b.amount),
            percent=None if b.percent is None else f"{b.percent.normalize():f}",
            percent_of=given.percent_of,
            cap=_money(b.cap),
            min_claim=_money(b.min_claim),
            yearly_cap=_money(b.yearly_cap),
            yearly_cap_by_children=tiers,
            times_per_year=b.times_per_year,
        ),
        frequency=given.frequency,
        payment_channel=given.payment_channel,
        reporting_category=given.reporting_category,
        decision_days=b.decision_days,
        version=b.version,
    )


@get(
    "/benefit-types",
    summary="The benefit catalogue",
    description=(
        "The municipality's benefits and statuses, ordered by code, whole (a catalogue holds tens of "
        "entries: no pages). With `on`: only those active and valid on that day; without: every entry, "
        "also inactive and past ones."
    ),
    tags=["benefits"],
    responses=problems(
        401,
        403,
        422,
        describe={
            403: "The user's roles allow neither viewing applications nor editing the catalogue.",
            422: "A query parameter is malformed (`on` is not a date, `kind` not a kind).",
        },
    ),
    operation_class=ProblemOperation,
)
async def list_benefit_types(
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    on: Annotated[dt.date | None, Parameter(description="Only the benefits in force on this day.")] = None,
    kind: Kind | None = None,
) -> BenefitTypeListOut:
    rows = await benefit_types(db, actor, CatalogueFilter(on=on, kind=kind))
    return BenefitTypeListOut(items=[_out(b) for b in rows])


@get(
    "/benefit-types/{benefit_type_id:uuid}",
    summary="One benefit of the catalogue",
    tags=["benefits"],
    responses=problems(
        401,
        403,
        404,
        describe={
            403: "The user's roles allow neither viewing applications nor editing the catalogue.",
            404: "No benefit with this id in the user's municipality.",
        },
    ),
    operation_class=ProblemOperation,
)
async def get_benefit_type(
    benefit_type_id: FromPath[uuid.UUID], actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> BenefitTypeOut:
    return _out(await benefit_type(db, actor, benefit_type_id))
