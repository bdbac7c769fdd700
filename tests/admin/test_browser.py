"""The console in a real browser (Debian's chromium driven by Playwright): what a person does, end to end.

Screenshots of the pages go to the test's temporary folder, or to FLOWSUITE_SCREENSHOTS when it names a
folder (that is how docs/screenshots/ is refreshed).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from flowsuite.itflow.models import Client
from tests.admin.factories import ConsoleTenant, new_console_tenant
from tests.conftest import LiveServer

CHROMIUM = "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.environ.get("CI"), reason="Debian's chromium is not installed"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright.Browser]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FLOWSUITE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sign_in(page: playwright.Page, tenant: ConsoleTenant, path: str) -> None:
    page.goto(f"{tenant.server.base_url}{path}")
    page.get_by_label("E-mail address").fill(tenant.email)
    page.get_by_label("Password").fill(tenant.password)
    page.get_by_role("button", name="Sign in").click()


def test_create_an_itflow_key_and_use_it(server: LiveServer, browser: playwright.Browser, shots: Path) -> None:
    tenant = new_console_tenant(server)
    tenant.add(
        Client,
        client_name="Example Corp",
        client_type="",
        client_website="",
        client_referral="",
        client_currency_code="EUR",
        client_notes="",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(page, tenant, "/admin/itflow/keys")
    playwright.expect(page.get_by_role("heading", name="ITFlow API keys")).to_be_visible()

    page.get_by_label("Name").fill("Billing sync")
    page.get_by_label("Specific client").check()
    page.get_by_label("Client", exact=True).select_option(label="Example Corp")
    page.screenshot(path=shots / "itflow-new-key.png", full_page=True)
    page.get_by_role("button", name="Create key").click()

    done = page.get_by_role("button", name="Done")
    playwright.expect(done).to_be_disabled()  # until the person says they copied the secrets
    api_key = page.locator("#secret-1").inner_text()
    page.screenshot(path=shots / "itflow-key-shown-once.png", full_page=True)
    page.get_by_label("I have copied them").check()
    playwright.expect(done).to_be_enabled()
    done.click()
    playwright.expect(page.get_by_role("cell", name="Billing sync", exact=True)).to_be_visible()
    playwright.expect(page.get_by_role("cell", name="Example Corp", exact=True)).to_be_visible()

    reply = httpx.get(f"{server.base_url}/api/v1/clients/read.php", params={"api_key": api_key})
    assert [row["client_name"] for row in reply.json()["data"]] == ["Example Corp"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke Billing sync").click()
    playwright.expect(page.get_by_role("status")).to_have_text("The key was revoked: it stopped working at once.")
    assert httpx.get(f"{server.base_url}/api/v1/clients/read.php", params={"api_key": api_key}).status_code == 401
    page.close()


def test_iflow_access_on_a_phone(server: LiveServer, browser: playwright.Browser, shots: Path) -> None:
    tenant = new_console_tenant(server, "Ana Pop")
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    _sign_in(page, tenant, "/admin/iflow/access")
    page.get_by_label("Label").fill("Reception screen")
    page.get_by_label("Administrator").select_option(label="Ana Pop")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#secret-1").inner_text()
    reply = httpx.get(
        f"{server.base_url}/api/api_v2/users/get_today_status", headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.status_code == 200
    page.get_by_label("I have copied it").check()
    page.get_by_role("button", name="Done").click()
    playwright.expect(page.get_by_role("cell", name="Reception screen", exact=True)).to_be_visible()
    # Nothing wider than the phone's screen but the tables, which scroll inside their frame.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path=shots / "iflow-access-phone.png", full_page=True)
    page.close()


def test_sign_in_is_keyboard_usable_and_labelled(server: LiveServer, browser: playwright.Browser) -> None:
    tenant = new_console_tenant(server)
    page = browser.new_page()
    page.goto(f"{server.base_url}/admin/sign-in")
    playwright.expect(page.get_by_label("E-mail address")).to_be_focused()
    page.keyboard.type(tenant.email)
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    playwright.expect(page.get_by_role("alert")).to_have_text("The e-mail address or the password is wrong.")
    playwright.expect(page.get_by_label("E-mail address")).to_have_value(tenant.email)
    playwright.expect(page.get_by_label("Password")).to_be_focused()
    page.close()


def test_timesheet_and_approving_a_leave(server: LiveServer, browser: playwright.Browser, shots: Path) -> None:
    from tests.admin.test_iflow_pages import Payroll, _december

    tenant = new_console_tenant(server)
    with tenant.signed_in() as (http, _):
        payroll = Payroll(tenant, http)
        ana, _ = _december(payroll)
        payroll.post(
            "events/add_event",
            user_id=ana,
            event_type="paid_leave",
            start_date="2026-12-21",
            end_date="2026-12-23",
            reason_message="Family trip",
        )
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    _sign_in(page, tenant, "/admin/iflow/timesheet?period=2026-12")
    playwright.expect(page.get_by_role("heading", name="Timesheet 2026-12")).to_be_visible()
    # Ana: 8 h on the National Day, 8 + 1.5 h overtime on the 2nd, 4 h on Saturday the 5th.
    ana_row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Ana"))
    cells = ana_row.get_by_role("cell")
    playwright.expect(cells.nth(0)).to_have_text("8")
    playwright.expect(cells.nth(1)).to_have_text("9.5")
    playwright.expect(cells.nth(31)).to_have_text("20.00")  # regular
    playwright.expect(cells.nth(32)).to_have_text("1.50")  # overtime
    playwright.expect(cells.nth(33)).to_have_text("21.50")  # total
    page.screenshot(path=shots / "iflow-timesheet.png", full_page=True)
    page.get_by_role("link", name="Ana").click()
    page.get_by_role("button", name="Approve Paid Leave 2026-12-21 – 2026-12-23").click()
    playwright.expect(page.get_by_role("status")).to_have_text("The event was updated.")
    row = page.get_by_role("row").filter(has_text="Family trip")
    playwright.expect(row.get_by_role("cell").nth(2)).to_have_text("approved")
    page.screenshot(path=shots / "iflow-employee.png", full_page=True)
    page.close()


def test_a_purchase_request_approved_through_both_stages(
    server: LiveServer, browser: playwright.Browser, shots: Path
) -> None:
    import uuid

    from tests.admin.factories import console_user
    from tests.cflow.factories import PURCHASE, new_tenant

    cflow = new_tenant(server)
    stages = [{**PURCHASE["stages"][0], "reviewers": ["role:manager"]}, PURCHASE["stages"][1]]
    cflow.import_workflow({**PURCHASE, "stages": stages})
    with server.client() as api:
        number = cflow.record_id(api, "PurchaseRequest", {"Item": "Laptop", "Amount": 1200, "Tags": ["it", "2027"]})
    people = {}
    for role in ("manager", "finance"):
        people[role] = console_user(server, cflow.company_id, f"{role}-{uuid.uuid4().hex[:6]}@example.com")
        cflow.add_user(people[role].email, role=role)

    for role, next_stage in (("manager", "Finance Review"), ("finance", "END")):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        _sign_in(page, people[role], "/admin/cflow/workflows/PurchaseRequest")
        if role == "manager":
            page.screenshot(path=shots / "cflow-board.png", full_page=True)
        page.get_by_role("link", name=f"#{number} Laptop").click()
        page.get_by_label("Comments").fill(f"OK from {role}")
        page.get_by_role("button", name="Approve").click()
        playwright.expect(page.get_by_role("status")).to_have_text("The record was updated.")
        playwright.expect(page.get_by_text(f"now at {next_stage}")).to_be_visible()
        if role == "finance":
            playwright.expect(page.get_by_text("(approved)")).to_be_visible()
            page.screenshot(path=shots / "cflow-record.png", full_page=True)
        page.close()


def test_a_forged_form_and_another_companys_pages_are_refused(server: LiveServer, browser: playwright.Browser) -> None:
    tenant, neighbour = new_console_tenant(server), new_console_tenant(server, "Dan Ion")
    theirs = neighbour.add(
        Client,
        client_name="Their Corp",
        client_type="",
        client_website="",
        client_referral="",
        client_currency_code="EUR",
        client_notes="",
    )
    page = browser.new_page()
    _sign_in(page, tenant, "/admin/itflow/keys")
    page.goto(f"{server.base_url}/admin/itflow/clients/{theirs}")
    playwright.expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    page.goto(f"{server.base_url}/admin/itflow/clients")
    playwright.expect(page.get_by_text("Their Corp")).to_have_count(0)

    page.goto(f"{server.base_url}/admin/itflow/keys")
    page.get_by_label("Name").fill("Forged")
    page.evaluate("document.querySelector('form[action=\\'/admin/itflow/keys\\'] input[name=csrf_token]').value = 'x'")
    page.get_by_role("button", name="Create key").click()
    playwright.expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()
    page.goto(f"{server.base_url}/admin/itflow/keys")
    playwright.expect(page.get_by_text("None yet.")).to_be_visible()
    page.close()


PHONE_PAGES = [
    "/admin/",
    "/admin/people",
    "/admin/itflow/clients",
    "/admin/itflow/tickets",
    "/admin/itflow/tickets/new",
    "/admin/itflow/keys",
    "/admin/iflow/timesheet",
    "/admin/iflow/now",
    "/admin/cflow/workflows",
    "/admin/cflow/access",
]


def test_every_main_page_fits_a_phone(server: LiveServer, browser: playwright.Browser) -> None:
    tenant = new_console_tenant(server)
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    _sign_in(page, tenant, "/admin/")
    for path in PHONE_PAGES:
        page.goto(f"{server.base_url}{path}")
        # Wide tables scroll inside their frame; nothing else may push the page sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, path
        playwright.expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.close()
