"""The status hand-over page and its CSV download: the day (today by default, dd.mm.yyyy or ISO), how many
persons hold a status, the file; a date that cannot be read is the page with the message (422)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories.decision_rows import decided_application, household
from tests.factories.staff import create_staff
from tests.web.conftest import client, sign_in  # noqa: F401 - the shared client fixture


@pytest.fixture
def web(client, rw_sessions, tenant_a) -> Any:  # noqa: F811
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, username=f"bo-{tenant_a.hex[-8:]}")
    home = household(
        rw_sessions,
        tenant_a,
        officer,
        [{"first_name": "Jānis", "last_name": "Bērziņš"}, {"first_name": "Anna", "last_name": "Bērziņa"}],
    )
    decided_application(rw_sessions, tenant_a, officer, home, kind="low_income_status", amount=None, lines=[])
    sign_in(client, f"bo-{tenant_a.hex[-8:]}")
    return client


def test_the_page_counts_the_holders_and_links_the_file(web) -> None:
    page = web.get("/assistance/statuses", params={"on": "15.01.2027"})
    assert page.status_code == 200
    assert "2 personām ir statuss 15.01.2027." in page.text
    assert 'href="/assistance/statuses.csv?on=2027-01-15"' in page.text
    today = web.get("/assistance/statuses")
    assert today.status_code == 200 and dt.date.today().strftime("%d.%m.%Y") in today.text


def test_the_file_downloads_as_latvian_csv(web) -> None:
    answer = web.get("/assistance/statuses.csv", params={"on": "2027-01-15"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "statusi-2027-01-15.csv" in answer.headers["content-disposition"]
    assert answer.content.startswith("\ufeffPersonas kods;Vārds;Uzvārds".encode())
    assert "Maznodrošināta mājsaimniecība" in answer.content.decode("utf-8-sig")


@pytest.mark.parametrize("day", ["31.02.2027", "vakar", "2027-13-01"])
def test_a_date_that_cannot_be_read_is_the_page_with_the_message(web, day) -> None:
    for path in ("/assistance/statuses", "/assistance/statuses.csv"):
        answer = web.get(path, params={"on": day})
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("text/html")
        assert 'aria-invalid="true"' in answer.text and "Labojiet" in answer.text


def test_staff_without_the_permission_get_403(client, rw_sessions, tenant_a) -> None:  # noqa: F811
    create_staff(rw_sessions, {tenant_a: ["accountant"]}, username=f"acc-{tenant_a.hex[-8:]}")
    sign_in(client, f"acc-{tenant_a.hex[-8:]}")
    assert client.get("/assistance/statuses").status_code == 403
    assert client.get("/assistance/statuses.csv").status_code == 403
