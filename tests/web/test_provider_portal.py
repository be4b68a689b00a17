"""The provider's pages through the real app and a real OpenID provider: the sign-in offer, applying with
messages in Latvian on a refused form, the application's page, and changing what may still change."""

from __future__ import annotations

import re
import uuid
from typing import Any

from litestar.testing import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from tests.api import test_citizen_api as citizen_api
from tests.api.test_citizen_api import Provider, citizen_sign_in
from tests.factories.people import unique_code
from tests.web.conftest import csrf_from

provider = citizen_api.provider
citizen_settings = citizen_api.citizen_settings
app_client = citizen_api.app_client
HX = {"HX-Request": "true"}


def _slug(rw_sessions: sessionmaker[Session], tenant: uuid.UUID) -> str:
    from sqlalchemy import select

    from app.tenants.models import Tenant

    with sync_tenant_uow(rw_sessions, None) as s:
        return str(s.scalar(select(Tenant.slug).where(Tenant.id == tenant)))


def test_without_a_sign_in_the_pages_offer_it(app_client: TestClient[Any]) -> None:
    for path in ("/provider", "/provider/apply"):
        page = app_client.get(path)
        assert page.status_code == 200
        assert f'/api/v1/citizen/login?next={path}"' in page.text
        assert "Galvenā navigācija" not in page.text


def test_a_person_applies_sees_the_application_and_changes_it(
    app_client: TestClient[Any], provider: Provider, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    citizen_sign_in(app_client, provider, personal_code=unique_code(), name="Pēteris Sniedzējs")
    assert "Jūs vēl neesat iesniedzis iesniegumu." in app_client.get("/provider").text
    token = csrf_from(app_client.get("/provider/apply").text)
    fields = {
        "_csrf_token": token,
        "municipality": _slug(rw_sessions, tenant_a),
        "provider_name": "",
        "provider_kind": "natural_person",
        "provider_code": "",
        "service_types": "",
        "addresses": "",
        "documents": "",
    }
    refused = app_client.post("/provider/apply", data=fields, headers=HX)
    assert refused.status_code == 422 and "<html" not in refused.text
    assert "Ievadiet sniedzēja nosaukumu." in refused.text
    done = app_client.post(
        "/provider/apply",
        data={
            **fields,
            "provider_name": "Pēteris Sniedzējs",
            "provider_code": "010101-10005",
            "service_types": "Aprūpe mājās",
            "addresses": "Rīgas iela 1, Ādaži",
        },
        headers=HX,
    )
    assert done.status_code == 200, done.text
    path = done.headers["HX-Redirect"]
    assert re.fullmatch(r"/provider/applications/[0-9a-f-]{36}", path)
    page = app_client.get(path).text
    assert "Iesniegta" in page and "Rīgas iela 1, Ādaži" in page
    listed = app_client.get("/provider").text
    assert listed.count('data-testid="my-registration"') == 1

    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    saved = app_client.post(
        path,
        data={
            "_csrf_token": token,
            "version": version.group(1),
            "contact": "peteris@example.lv",
            "service_types": "Aprūpe mājās\nDienas centrs",
            "addresses": "Rīgas iela 1, Ādaži",
            "documents": "Iesniegums; izziņa",
        },
        headers={**HX, "HX-Target": "change"},
    )
    assert saved.status_code == 200 and "Saglabāts." in saved.text and "<html" not in saved.text
    assert "Dienas centrs" in app_client.get(path).text
