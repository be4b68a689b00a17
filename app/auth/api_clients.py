"""Partner API clients (OAuth2 client credentials, design §6): the platform administrator's acts on them
and the reads that authenticate them.

Clients are national. The acts (create, rotate the secret, disable) run as the maintenance role, the
only one allowed to write the tables (`atbalsts api-client`, app/cli.py); each is written to the change log
of every municipality the client may act for, so that a municipality sees who may read its data. The
reads run as the runtime role on every token request and every bearer request: a disabled client or a
removed municipality takes effect at once, and a rotated secret ends the tokens issued before it.

The secret is 256 random bits shown once; only its SHA-256 is stored and compared in constant time. A
slow password hash buys nothing for a secret nobody can guess, and would make each token request a cost
an attacker could multiply."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit.models import ChangeLog
from app.audit.service import jsonable
from app.auth.models import ApiClient, ApiClientMunicipality
from app.auth.principal import ApiClientRef, TenantChoice
from app.auth.scopes import unknown_scopes
from app.errors import InvalidInput, NotFound
from app.i18n import N_, latvian_sort_key
from app.ids import uuid7
from app.tenants.models import Tenant

_HASH_PREFIX = "sha256$"
# Compared against when the client id is unknown, so the answer takes the same time either way.
_DUMMY_HASH = _HASH_PREFIX + hashlib.sha256(b"no-such-client").hexdigest()


def hash_secret(secret: str) -> str:
    return _HASH_PREFIX + hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(stored_hash: str | None, secret: str) -> bool:
    return hmac.compare_digest((stored_hash or _DUMMY_HASH).encode(), hash_secret(secret).encode()) and (
        stored_hash is not None
    )


def _new_client_id() -> str:
    return f"atb-{secrets.token_hex(8)}"


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- the platform administrator's acts (maintenance role) ------------------------------------------------


@dataclass(frozen=True)
class IssuedSecret:
    """A client and its secret in clear: shown once, never stored."""

    id: uuid.UUID
    client_id: str
    secret: str


@dataclass(frozen=True)
class ClientSummary:
    client_id: str
    name: str
    scopes: tuple[str, ...]
    municipalities: tuple[str, ...]  # slugs
    is_active: bool
    created_at: dt.datetime
    rotated_at: dt.datetime | None


def _audit(
    session: Session, municipalities: Sequence[uuid.UUID], action: str, client: ApiClient, **after: Any
) -> None:
    """One change-log row in each municipality the client acts for; the platform administrator at the
    command line has no account here, so the actor is the system (as for other operator tasks)."""
    snapshot = jsonable({"client_id": client.client_id, "name": client.name, "scopes": list(client.scopes)})
    for municipality in municipalities:
        session.add(
            ChangeLog(
                tenant_id=municipality,
                actor_user_id=None,
                action=action,
                entity_type="api_client",
                entity_id=client.id,
                after={**snapshot, **jsonable(after)},
            )
        )


def _municipalities_of(session: Session, client: ApiClient) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(ApiClientMunicipality.municipality_id).where(
                ApiClientMunicipality.api_client_id == client.id
            )
        )
    )


def _client(session: Session, client_id: str) -> ApiClient:
    client = session.scalar(select(ApiClient).where(ApiClient.client_id == client_id).with_for_update())
    if client is None:
        raise NotFound(N_("There is no API client with this identifier."))
    return client


def create_api_client(
    session: Session, *, name: str, scopes: Sequence[str], municipalities: Sequence[str]
) -> IssuedSecret:
    """A new client with its scopes, bound to the municipalities named by slug. Returns the secret."""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name or len(name) > 200:
        errors["name"] = [N_("Give the client a name of 1 to 200 characters.")]
    chosen = list(dict.fromkeys(scopes))
    if not chosen or unknown_scopes(chosen):
        errors["scope"] = [N_("Choose one or more of the known scopes.")]
    slugs = list(dict.fromkeys(municipalities))
    found = {
        slug: tid
        for slug, tid in session.execute(select(Tenant.slug, Tenant.id).where(Tenant.slug.in_(slugs)))
    }
    if not slugs or len(found) != len(slugs):
        errors["tenant"] = [N_("Name one or more existing municipalities.")]
    if errors:
        raise InvalidInput(errors)
    secret = _new_secret()
    client = ApiClient(
        id=uuid7(), client_id=_new_client_id(), secret_hash=hash_secret(secret), name=name, scopes=chosen
    )
    session.add(client)
    session.flush()
    session.add_all(ApiClientMunicipality(api_client_id=client.id, municipality_id=found[s]) for s in slugs)
    _audit(session, [found[s] for s in slugs], "admin:api-client:grant", client)
    session.flush()
    return IssuedSecret(id=client.id, client_id=client.client_id, secret=secret)


def rotate_api_client_secret(session: Session, client_id: str) -> IssuedSecret:
    """A new secret; the old one and every token issued with it stop working at once."""
    client = _client(session, client_id)
    secret = _new_secret()
    client.secret_hash = hash_secret(secret)
    client.rotated_at = _now()
    _audit(session, _municipalities_of(session, client), "admin:api-client:rotate", client)
    session.flush()
    return IssuedSecret(id=client.id, client_id=client.client_id, secret=secret)


def disable_api_client(session: Session, client_id: str) -> None:
    """The client can no longer get a token, and the tokens it holds stop working at once."""
    client = _client(session, client_id)
    if not client.is_active:
        return
    client.is_active = False
    _audit(session, _municipalities_of(session, client), "admin:api-client:disable", client)
    session.flush()


def api_client_list(session: Session) -> list[ClientSummary]:
    """Every client with its municipalities, by name."""
    bound: dict[uuid.UUID, list[str]] = {}
    for client_pk, slug in session.execute(
        select(ApiClientMunicipality.api_client_id, Tenant.slug).join(
            Tenant, Tenant.id == ApiClientMunicipality.municipality_id
        )
    ):
        bound.setdefault(client_pk, []).append(slug)
    clients = session.scalars(select(ApiClient)).all()
    return sorted(
        (
            ClientSummary(
                client_id=c.client_id,
                name=c.name,
                scopes=tuple(c.scopes),
                municipalities=tuple(sorted(bound.get(c.id, []))),
                is_active=c.is_active,
                created_at=c.created_at,
                rotated_at=c.rotated_at,
            )
            for c in clients
        ),
        key=lambda c: (latvian_sort_key(c.name), c.client_id),
    )


# --- authentication (runtime role) -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClientPrincipal:
    """An active client as a bearer request needs it: what it may do and for whom."""

    client: ApiClientRef
    rotated_at: dt.datetime | None
    municipalities: tuple[TenantChoice, ...]


async def authenticate_api_client(session: AsyncSession, client_id: str, secret: str) -> ApiClientRef | None:
    """The active client these credentials prove; None for an unknown client, a wrong secret or a
    disabled client alike."""
    row = (
        await session.execute(
            select(ApiClient.id, ApiClient.client_id, ApiClient.name, ApiClient.scopes, ApiClient.secret_hash)
            .where(ApiClient.client_id == client_id, ApiClient.is_active)
            .limit(1)
        )
    ).one_or_none()
    if not secret_matches(row.secret_hash if row else None, secret) or row is None:
        return None
    return ApiClientRef(id=row.id, client_id=row.client_id, name=row.name, scopes=frozenset(row.scopes))


async def client_principal(session: AsyncSession, api_client_pk: uuid.UUID) -> ClientPrincipal | None:
    """The active client with the municipalities it may act for, in one statement (it runs on every
    bearer request); None when it is gone or disabled."""
    rows = (
        await session.execute(
            select(
                ApiClient.client_id,
                ApiClient.name,
                ApiClient.scopes,
                ApiClient.rotated_at,
                Tenant.id.label("tenant_id"),
                Tenant.name.label("tenant_name"),
                Tenant.slug,
            )
            .select_from(ApiClient)
            .outerjoin(ApiClientMunicipality, ApiClientMunicipality.api_client_id == ApiClient.id)
            .outerjoin(Tenant, Tenant.id == ApiClientMunicipality.municipality_id)
            .where(ApiClient.id == api_client_pk, ApiClient.is_active)
        )
    ).all()
    if not rows:
        return None
    first = rows[0]
    municipalities = tuple(
        sorted(
            (
                TenantChoice(tenant_id=r.tenant_id, name=r.tenant_name, slug=r.slug, roles=())
                for r in rows
                if r.tenant_id is not None
            ),
            key=lambda m: latvian_sort_key(m.name),
        )
    )
    client = ApiClientRef(
        id=api_client_pk, client_id=first.client_id, name=first.name, scopes=frozenset(first.scopes)
    )
    return ClientPrincipal(client=client, rotated_at=first.rotated_at, municipalities=municipalities)
