"""A service event — one person's case of one service: request → needs assessment → decision → referral to a
provider → delivery records → settlement — as pure rules: which steps a service type uses and in what order,
which documents each step needs, what may follow what, and the month's settlement with its explanation.

Steps are configured per service type (`steps`, a subset of STEPS in this order; a service without a
provider has no referral, one without units delivered no delivery). Required documents are configured per
step (`documents`: step → list of document kinds); a step cannot be completed while one is missing.

Settlement (MK 275 of 27.05.2003: the client pays a share, the municipality the rest): units delivered in
the month × the price = the cost; the client's share is the decided co-payment percentage of it, none for
a person of a needy household (home care is free for needy persons, domain brief §6.3); the municipality
(or the state for state-funded services) pays the rest. Amounts are rounded to cents, half up."""

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


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def settle_month(
    deliveries: Iterable[Delivery],
    month: dt.date,
    *,
    price: Decimal,
    unit: str,
    co_payment_percent: Decimal,
    needy: bool,
) -> tuple[Computation, Decimal]:
    """The month's settlement: (the client's share with its explanation, the payer's share). Only the
    deliveries inside `month` count; a needy client pays nothing."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    units = sum((d.units for d in deliveries if first <= d.day < following), Decimal(0))
    cost = _cents(units * price)
    lines = [
        Line(
            COST,
            cost,
            "EUR",
            MAK_275,
            params={"units": units.normalize(), "price": _cents(price), "unit": unit},
        )
    ]
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
