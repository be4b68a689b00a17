import pytest
from tests.e2e.support import AXE, sign_in
from tests.factories.staff import create_staff

@pytest.mark.browser
def test_scratch(new_page, social_worker, rw_sessions, tenant_a, tenant_b):
    create_staff(rw_sessions, {tenant_a: ["social_worker", "case_manager"], tenant_b: ["social_worker"]}, username="two-"+tenant_a.hex[:6], full_name="Anna-Marija Ozoliņa-Bērziņa")
    from tests.e2e.support import Worker
    w = Worker("two-"+tenant_a.hex[:6], social_worker.password, "x", "y")
    for loc, width in (("lv-LV", 1366), ("en-GB", 1366), ("en-GB", 900), ("lv-LV", 390)):
        page = new_page(loc)
        page.set_viewport_size({"width": width, "height": 768})
        page.goto("/login")
        for p in ([page] if width != 1366 or loc != "lv-LV" else [page]):
            pass
        sign_in(page, w)
        page.add_script_tag(path=str(AXE))
        r = page.evaluate("() => axe.run(document)")
        print(loc, width, "passes", len(r["passes"]), "violations", [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in r["violations"]], "incomplete", [v["id"] for v in r["incomplete"]])
        page.screenshot(path=f"/tmp/h-{loc}-{width}.png", full_page=True)
