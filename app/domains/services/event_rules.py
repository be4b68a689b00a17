"""A service event — one person's case of one service: request → needs assessment → decision → referral to a
provider → delivery records → settlement — as pure rules: which steps a service type uses and in what order,
which documents each step needs, what may follow what, and the month's settlement with its explanation.

Steps are configured per service type (`steps`, a subset of STEPS in this order; a service without a
provider has no referral, one without units delivered no delivery). Required documents are configured per
step (`documents`: step → list of document kinds); a step cannot be completed while one is missing.

Settlement (MK 275 of 27.05.2003: the client pays a share, the municipality the rest): units delivered in
the month × the price = the cost; the client's share is the decided co-payment percentage of it, none for
a person of a needy household (home care is free for needy persons, domain brief §6.3); the municipality
(or the state for state-funded services) pays the rest. Amounts are rounded to cents, half up.

Prices are dated: the service's own price holds from its first day, each `PriceChange` from its day until
the next one's. A delivery is priced at the price in force on its day; a month whose deliveries straddle a
change has one cost line for each part (each rounded to cents), and the shares are taken of their sum."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domains.assistance.explain import Computation, Line
from app.i18n import N_

REQUESTED = "requested"
ASSESSMENT = "assessment"
DECISION = "decision"
REFERRAL = "referral"
DELIVERY = "delivery"
SETTLEMENT = "settlement"
STEPS = (REQUESTED, ASSESSMENT, DECISION, REFERRAL, DELIVERY, SETTLEMENT)
STEP_LABELS = {
    REQUESTED: N_("Request"),
    ASSESSMENT: N_("Needs assessment"),
    DECISION: N_("Decision"),
    REFERRAL: N_("Referral to a provider"),
    DELIVERY: N_("Delivery"),
    SETTLEMENT: N_("Settlement"),
}
# Every event starts with the request and is decided; the rest depends on the service.
REQUIRED_STEPS = (REQUESTED, DECISION)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAK_275 = "MK 275 (27.05.2003)"

UNKNOWN_STEP = N_("Choose the steps from the list.")
STEP_NEEDED = N_("Every service has the request and the decision.")
NOT_NEXT = N_("The event is not at this step.")
DOCUMENTS_MISSING = N_("Documents this step needs are still missing.")
REFUSED_ENDS = N_("A refused request ends the event.")

COST = N_("Units delivered × price (%(units)s × %(price)s)")
# One part of a month whose price changed: the days the price was in force, within the month.
COST_PART = N_("Units delivered %(from)s–%(to)s × price (%(units)s × %(price)s)")
CO_PAYMENT = N_("Client's co-payment, %(percent)s %% of the cost")
NEEDY_FREE = N_("The client's household is needy: no co-payment")
PAYER_SHARE = N_("Paid by the municipality or the state")


def normalised_steps(configured: Iterable[str]) -> tuple[tuple[str, ...], list[str]]:
    """The service type's steps in their fixed order, and the messages refusing a configuration."""
    chosen = set(configured)
    errors = [UNKNOWN_STEP] if chosen - set(STEPS) else []
    if not set(REQUIRED_STEPS) <= chosen:
        errors.append(STEP_NEEDED)
    return tuple(step for step in STEPS if step in chosen), errors


def next_step(steps: Sequence[str], current: str) -> str | None:
    """The step after `current`; None after the last one (the event is complete)."""
    index = steps.index(current)
    return steps[index + 1] if index + 1 < len(steps) else None


def missing_documents(documents: Mapping[str, Sequence[str]], step: str, present: Iterable[str]) -> list[str]:
    """The document kinds the step needs that the event does not have yet, in the configured order."""
    have = set(present)
    return [kind for kind in documents.get(step, ()) if kind not in have]


def check_complete(
    steps: Sequence[str],
    documents: Mapping[str, Sequence[str]],
    current: str,
    step: str,
    present: Iterable[str],
    *,
    refused: bool = False,
) -> list[str]:
    """Messages refusing to complete `step` of an event now at `current` (empty: allowed)."""
    if step != current or step not in steps:
        return [NOT_NEXT]
    if refused and step != DECISION:
        return [REFUSED_ENDS]
    return [DOCUMENTS_MISSING] if missing_documents(documents, step, present) else []


@dataclass(frozen=True)
class Delivery:
    day: dt.date
    units: Decimal


@dataclass(frozen=True)
class PriceChange:
    """A new price of a service from `valid_from` on, until the next change's day."""

    valid_from: dt.date
    price: Decimal


@dataclass(frozen=True)
class PricePeriod:
    """A price and the days it is in force (`valid_to` None: until further notice)."""

    valid_from: dt.date
    valid_to: dt.date | None
    price: Decimal | None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_on(day: dt.date, base_price: Decimal, changes: Iterable[PriceChange]) -> Decimal:
    """The price in force on `day`: the latest change from that day or before, else the service's own."""
    price = base_price
    for change in sorted(changes, key=lambda c: c.valid_from):
        if change.valid_from > day:
            break
        price = change.price
    return price


def price_periods(
    valid_from: dt.date, base_price: Decimal | None, changes: Iterable[PriceChange]
) -> list[PricePeriod]:
    """The service's prices one after another: its own from its first day, then each change until the next
    one's day. A change on the service's first day (or before) replaces its own price."""
    starts: dict[dt.date, Decimal | None] = {valid_from: base_price}
    for change in changes:
        starts[max(change.valid_from, valid_from)] = change.price
    days = sorted(starts)
    return [
        PricePeriod(day, days[i + 1] - dt.timedelta(days=1) if i + 1 < len(days) else None, starts[day])
        for i, day in enumerate(days)
    ]


@dataclass(frozen=True)
class _Part:
    """The deliveries of a month under one price: the days the price was in force within the month."""

    first: dt.date
    last: dt.date
    price: Decimal
    units: Decimal


def _parts(
    deliveries: Sequence[Delivery],
    first: dt.date,
    last: dt.date,
    base: Decimal,
    changes: Sequence[PriceChange],
) -> list[_Part]:
    """The month cut where the price changes (neighbours at the same price joined), keeping the parts
    something was delivered in."""
    starts = [(first, price_on(first, base, changes))]
    for change in sorted(changes, key=lambda c: c.valid_from):
        if first < change.valid_from <= last and starts[-1][1] != change.price:
            starts.append((change.valid_from, change.price))
    parts = []
    for i, (start, price) in enumerate(starts):
        end = starts[i + 1][0] - dt.timedelta(days=1) if i + 1 < len(starts) else last
        units = sum((d.units for d in deliveries if start <= d.day <= end), Decimal(0))
        if units:
            parts.append(_Part(start, end, price, units))
    return parts


def settle_month(
    deliveries: Iterable[Delivery],
    month: dt.date,
    *,
    price: Decimal,
    unit: str,
    co_payment_percent: Decimal,
    needy: bool,
    changes: Sequence[PriceChange] = (),
) -> tuple[Computation, Decimal]:
    """The month's settlement: (the client's share with its explanation, the payer's share). Only the
    deliveries inside `month` count, each at the price in force on its day (`price` is the service's own,
    `changes` its dated prices); a needy client pays nothing."""
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    in_month = [d for d in deliveries if first <= d.day <= last]
    parts = _parts(in_month, first, last, price, changes)
    pieces: list[tuple[str, Decimal, Decimal, dict[str, str]]]  # label, units, price, the part's days
    if len({part.price for part in parts}) > 1:
        pieces = [
            (COST_PART, part.units, part.price, {"from": part.first.isoformat(), "to": part.last.isoformat()})
            for part in parts
        ]
    else:  # one price for all of the month's deliveries: one line, as before prices were dated
        one = parts[0].price if parts else price_on(first, price, changes)
        pieces = [(COST, sum((d.units for d in in_month), Decimal(0)), one, {})]
    costs = [_cents(units * each) for _, units, each, _ in pieces]
    lines = [
        Line(
            label,
            amount,
            "EUR",
            MAK_275,
            params={**dates, "units": units.normalize(), "price": _cents(each), "unit": unit},
        )
        for (label, units, each, dates), amount in zip(pieces, costs, strict=True)
    ]
    cost = sum(costs, Decimal("0.00"))
    if needy:
        client = Decimal("0.00")
        lines.append(Line(NEEDY_FREE, client, "EUR", MAK_275))
    else:
        client = _cents(cost * co_payment_percent / HUNDRED)
        lines.append(
            Line(CO_PAYMENT, client, "EUR", MAK_275, params={"percent": co_payment_percent.normalize()})
        )
    payer = cost - client
    lines.append(Line(PAYER_SHARE, payer, "EUR", MAK_275))
    return Computation(amount=client, eligible=True, lines=tuple(lines)), payer
