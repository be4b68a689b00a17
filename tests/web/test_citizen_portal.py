"""The citizen's page through the real app and a real OpenID provider: without a citizen session it offers
the sign-in (and no staff navigation); signed in, it lists the person's own applications with the decision
and its PDF, and their waiting-list places with why — never another person's."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.api import test_citizen_api as citizen_api
from tests.api.test_citizen_api import Provider, World, _signed_in

# The citizen API's fixtures: a real OpenID provider, the app configured for it, the two-municipality world.
provider = citizen_api.provider
citizen_settings = citizen_api.citizen_settings
app_client = citizen_api.app_client
world = citizen_api.world


def test_the_page_offers_the_sign_in_without_a_session(app_client: TestClient[Any]) -> None:
    page = app_client.get("/citizen")
    assert page.status_code == 200
    assert 'data-testid="citizen-sign-in"' in page.text and "/api/v1/citizen/login?next=/citizen" in page.text
    assert "Galvenā navigācija" not in page.text  # no staff navigation for a citizen


def test_signed_in_the_citizen_sees_their_own_records_only(
    app_client: TestClient[Any], provider: Provider, world: World
) -> None:
    client = _signed_in(app_client, provider, world)
    page = client.get("/citizen").text
    assert world.own_application_number in page and world.other_application_number not in page
    assert f"/api/v1/citizen/decisions/{world.own_decision}/document" in page
    assert "120,00 €" in page
    assert page.count('data-testid="my-queue-entry"') == 1
    assert "Aprūpe mājās" in page and "2. vieta rindā" in page
