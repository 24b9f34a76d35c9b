"""The web UI's forms in headless Chromium, against a real `graphcrm serve` on a
real store loaded with the seeds, as an account team would use them.

Each form is gone through: a successful change that the next page load's
analyses reflect, a problem shown beside its field with nothing written, a
conflict between two signed-in browsers (412, nothing overwritten), a member
refused on another team's account, and a post from another site refused.

Facts of the seeds used here (seeds/*.csv): acc-mzp's team is rep-feng-bo (the
member's rep) and rep-ma-lin; c-mzp-001 韦长青 is its president, known by
rep-feng-bo at depth 3 (last contact 2026-10-19, since 2018-06-04); c-mzp-005
黎明辉 is known by rep-ma-lin at depth 2 (last contact 2026-11-04, since
2025-04-14); acc-jnm is another team's account.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

import pytest

from tests.e2e.test_web_ui import UI, server, ui  # noqa: F401  (fixtures: a server of this module's own)

pytestmark = pytest.mark.usefixtures("server")


def _api(server, path: str) -> dict | None:
    """A record as the API returns it now (admin key), or None for 404."""
    request = urllib.request.Request(server.base + path, headers={"Authorization": f"Bearer {server.admin}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def _clean(ui) -> None:
    """Nothing reached another host and no script failed; the console's notes of
    the 4xx answers these tests ask for (a form with a problem is a 422) are expected."""
    ui.errors[:] = [e for e in ui.errors if "the server responded with a status of 4" not in e]
    ui.assert_clean()


def _signed_in(ui, key: str) -> UI:
    ui.sign_in(key)
    ui.page.wait_for_url(f"{ui.base}/ui/")
    return ui


def _save(page) -> None:
    with page.expect_navigation():
        page.click("#save")


def _pick(page, field: str, typed: str, value: str) -> None:
    """Find an entry of a pick list by typing part of its name, then choose it."""
    page.fill(f".pick-filter[data-for=in-{field}]", typed)
    visible = page.eval_on_selector_all(f"#in-{field} option:not([hidden])", "os => os.map(o => o.value)")
    assert value in visible, (typed, visible)
    page.select_option(f"#in-{field}", value)


def test_add_a_contact_then_see_it_in_the_analyses(ui, server):
    page = _signed_in(ui, server.admin).page
    ui.go("/ui/accounts/acc-mzp")
    page.click("#add-contact")
    page.fill("#in-name", "郭新 (Guo Xin)")
    page.fill("#in-title", "Chief Digital Officer")
    page.select_option("#in-level", "executive")
    _pick(page, "unit_id", "信息技术", "unit-mzp-it")       # the IT Center, found by its CJK name
    _pick(page, "reports_to", "韦长", "c-mzp-001")
    _save(page)
    assert page.url.startswith(f"{ui.base}/ui/accounts/acc-mzp")
    # an executive nobody knows: a key contact, uncovered — the key layer asks for them now
    assert "郭新" in page.locator("#gaps").inner_text()
    hits = page.goto(f"{ui.base}/ui/search?q=digital")
    assert hits.ok and "郭新 (Guo Xin)" in page.locator("#hits").inner_text()
    page.click("#hits a")
    assert page.locator("#reporting").inner_text().startswith("韦长青")
    assert page.locator("#status").inner_text() == "uncovered"
    _clean(ui)


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_written(ui, server):
    page = _signed_in(ui, server.admin).page
    ui.go("/ui/new/contacts?account_id=acc-mzp")
    page.fill("#in-name", "Nobody Written")
    page.fill("#in-email", "not-an-email")
    with page.expect_navigation():
        page.click("#save")
    error = page.locator("#field-email .error")
    assert error.is_visible() and "pattern" in error.inner_text()
    assert page.input_value("#in-name") == "Nobody Written"  # what was typed stays
    ui.go("/ui/search?q=Nobody%20Written")
    assert "Nothing is called" in page.locator("#hits").inner_text()
    _clean(ui)


def test_edit_the_account_and_manage_its_team(ui, server):
    page = _signed_in(ui, server.admin).page
    ui.go("/ui/accounts/acc-mzp")
    page.click("#edit-account")
    page.select_option("#in-tier", "A")
    page.select_option("#in-strategic_fit", "aligned")
    _save(page)
    assert "tier A" in page.locator("p.muted").first.inner_text()
    assert _api(server, "/accounts/acc-mzp")["strategic_fit"] == "aligned"

    page.click("#add-team-member")
    _pick(page, "rep_id", "李娜", "rep-li-na")
    page.fill("#in-role", "executive sponsor")
    _save(page)
    assert "李娜" in page.locator("#team").inner_text()
    row = page.locator("#team tr", has_text="李娜")
    with page.expect_navigation():
        row.locator("button.danger").click()
    assert "李娜" not in page.locator("#team").inner_text()
    assert _api(server, "/team-members/acc-mzp/rep-li-na") is None
    _clean(ui)


def test_add_a_unit(ui, server):
    page = _signed_in(ui, server.admin).page
    ui.go("/ui/accounts/acc-mzp")
    page.click("#add-unit")
    page.fill("#in-name", "北仑码头 (Beilun Terminal)")
    page.select_option("#in-kind", "branch")
    _pick(page, "parent_unit_id", "总部", "unit-mzp-hq")
    _save(page)
    # a branch nobody is known in: a dark unit in the general layer's actions
    assert "北仑码头" in page.locator("#gaps").inner_text()
    _clean(ui)


def test_a_bids_decision_chain_kept_in_the_ui(ui, server):
    page = _signed_in(ui, server.admin).page
    ui.go("/ui/accounts/acc-mzp")
    page.click("#add-bid")
    page.fill("#in-name", "港口5G专网 2027 (Port 5G)")
    page.select_option("#in-stage", "tender")
    page.fill("#in-tender_date", "2027-03-01")
    _save(page)
    assert page.locator("h1").inner_text() == "港口5G专网 2027 (Port 5G)"
    bid_page = page.url

    page.click("#add-role")
    _pick(page, "contact_id", "韦长", "c-mzp-001")
    page.select_option("#in-role", "decision_maker")
    page.select_option("#in-influence", "high")
    page.select_option("#in-stance", "-1")
    _save(page)
    assert page.url == bid_page
    # a key contact with stance -1: "against us", named as a sceptic (not "opponent")
    flags = page.locator("#flags").inner_text()
    assert "against us: 韦长青 (sceptic)" in flags, flags
    assert "韦长青" in page.locator("#chain").inner_text()

    row = page.locator("#chain tr", has_text="韦长青")
    row.locator("a", has_text="edit").click()
    page.select_option("#in-stance", "2")
    _save(page)
    assert "against us" not in page.locator("#flags").inner_text()
    assert "champion" in page.locator("#chain tr", has_text="韦长青").inner_text()

    with page.expect_navigation():
        page.locator("#chain tr", has_text="韦长青").locator("button.danger").click()
    assert "韦长青" not in page.locator("#chain").inner_text()
    _clean(ui)


def test_adding_someone_already_in_the_chain_says_so(ui, server):
    page = _signed_in(ui, server.admin).page
    ui.go("/ui/new/bid-roles?bid_id=bid-mzp-terminal-wifi-2026")
    page.select_option("#in-contact_id", "c-mzp-002")  # already its decision_maker (seeds/bid_roles.csv)
    page.select_option("#in-role", "user")
    with page.expect_navigation():
        page.click("#save")
    assert "already there" in page.locator("#field-contact_id .error").inner_text()
    assert _api(server, "/bid-roles/bid-mzp-terminal-wifi-2026/c-mzp-002")["role"] == "decision_maker"


def test_contact_panel_relationships_and_influence_lines(ui, server):
    page = _signed_in(ui, server.admin).page
    ui.go("/ui/contacts/c-mzp-005")
    # a depth change through the form keeps since and last contact
    page.locator("#knows tr", has_text="马琳").locator("a", has_text="edit").click()
    page.select_option("#in-depth", "3")
    _save(page)
    row = page.locator("#knows tr", has_text="马琳").inner_text()
    assert "3 trusted" in row and "2025-04-14" in row and "2026-11-04" in row
    assert _api(server, "/relationships/rep-ma-lin/c-mzp-005") == {
        "rep_id": "rep-ma-lin", "contact_id": "c-mzp-005", "depth": 3, "last_contact": "2026-11-04",
        "since": "2025-04-14"}

    page.click("#add-influence")
    _pick(page, "target_id", "钟立", "c-mzp-003")
    page.fill("#in-strength", "0.6")
    page.select_option("#in-kind", "advisory")
    _save(page)
    assert "钟立" in page.locator("#influences").inner_text()
    with page.expect_navigation():
        page.locator("#influences tr", has_text="钟立").locator("button.danger").click()
    assert "钟立" not in page.locator("#influences").inner_text()

    page.click("#add-influence")
    _pick(page, "target_id", "钟立", "c-mzp-003")
    page.fill("#in-strength", "7")
    with page.expect_navigation():
        page.click("#save")
    assert "greater than 0 and at most 1" in page.locator("#field-strength .error").inner_text()
    assert _api(server, "/influences/c-mzp-005/c-mzp-003") is None
    _clean(ui)


def test_logging_an_activity_moves_last_contact_forward(ui, server):
    """rep-feng-bo last met c-mzp-001 on 2026-10-19; a meeting logged on a later
    day moves it there (docs/design.md, "Logging an activity"), depth unchanged."""
    page = _signed_in(ui, server.admin).page
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    ui.go("/ui/contacts/c-mzp-001")
    page.click("#log-activity")
    assert page.eval_on_selector_all("#in-contact_ids option:checked", "os => os.map(o => o.value)") == ["c-mzp-001"]
    page.fill("#in-date", day)
    page.select_option("#in-kind", "meeting")
    _pick(page, "rep_ids", "冯", "rep-feng-bo")
    page.fill("#in-summary", "Reviewed the 2027 port network plan.")
    _save(page)
    assert page.url.startswith(f"{ui.base}/ui/contacts/c-mzp-001")
    row = page.locator("#knows tr", has_text="冯波").inner_text()
    assert day in row and "3 trusted" in row
    assert _api(server, "/relationships/rep-feng-bo/c-mzp-001")["last_contact"] == day
    _clean(ui)


def test_two_people_editing_the_same_contact(browser, server):
    """Both open the edit form; the first saves; the second is shown the first
    one's change (412) and nothing of theirs is written."""
    first, second = (UI(c, c.new_page(), server.base) for c in (browser.new_context(), browser.new_context()))
    try:
        for person, key in ((first, server.admin), (second, server.member)):
            _signed_in(person, key)
            person.go("/ui/edit/contacts/c-mzp-004")
        first.page.fill("#in-title", "Head of Networks")
        _save(first.page)
        second.page.fill("#in-title", "Network Lead")
        with second.page.expect_navigation() as nav:
            second.page.click("#save")
        assert nav.value.status == 412
        conflict = second.page.locator("#conflict").inner_text()
        assert "changed this record since you opened the page" in conflict and "Nothing was saved" in conflict
        cells = second.page.locator("#conflict-fields tr", has_text="Title").locator("td").all_inner_texts()
        assert cells == ["Title", "Head of Networks", "Network Lead"]
        assert "key:e2e admin" in conflict
        assert _api(server, "/contacts/c-mzp-004")["title"] == "Head of Networks"
        # saving again, knowingly, replaces it
        _save(second.page)
        assert _api(server, "/contacts/c-mzp-004")["title"] == "Network Lead"
    finally:
        first.context.close()
        second.context.close()


def test_a_member_is_refused_on_another_teams_account(ui, server):
    page = _signed_in(ui, server.member).page
    for path in ("/ui/accounts/acc-jnm", "/ui/new/contacts?account_id=acc-jnm", "/ui/edit/contacts/c-jnm-001",
                 "/ui/contacts/c-jnm-001"):
        response = ui.go(path)
        assert response.status == 404, path
        assert page.locator("h1").inner_text() == "404 · Not found"
    # a form of their own account, its account changed in the page to another team's
    ui.go("/ui/new/contacts?account_id=acc-mzp")
    page.eval_on_selector("input[name='_fixed.account_id']", "e => e.value = 'acc-jnm'")
    page.fill("#in-name", "Planted Contact")
    with page.expect_navigation() as nav:
        page.click("#save")
    assert nav.value.status == 422
    assert "acc-jnm" in page.locator("#form-errors").inner_text()
    assert "Planted" not in json.dumps(_api(server, "/contacts?account_id=acc-jnm&limit=500"))
    # and the team of their own account is not theirs to change
    assert ui.go("/ui/new/team-members?account_id=acc-mzp").status == 403
    _clean(ui)


def test_a_post_from_another_site_is_refused(browser, server):
    """A page of another site that posts a form to graphcrm: the browser sends
    no sign-in cookie with it (SameSite=Strict), and the post has no token of the
    signed-in page; nothing changes."""
    context = browser.new_context()
    page = context.new_page()
    evil = "http://evil.example"
    page.route(f"{evil}/**", lambda r: r.fulfill(status=200, content_type="text/html", body=f"""
        <form id="f" method="post" action="{server.base}/ui/edit/contacts/c-mzp-006">
          <input name="title" value="Pwned"><input name="_csrf" value="guessed"></form>
        <script>document.getElementById("f").submit()</script>"""))
    try:
        person = UI(context, page, server.base)
        _signed_in(person, server.admin)
        with page.expect_navigation(url=f"{server.base}/**"):
            page.goto(f"{evil}/attack")
        assert page.url in (f"{server.base}/ui/login", f"{server.base}/ui/edit/contacts/c-mzp-006")
        assert _api(server, "/contacts/c-mzp-006")["title"] != "Pwned"
    finally:
        context.close()


def test_double_clicking_a_person_in_the_picture_opens_their_panel(ui, server):
    from tests.e2e.conftest import wait_stabilized

    page = _signed_in(ui, server.admin).page
    ui.go("/ui/bids/bid-jnm-5g-core-2026?as_of=2026-11-15")
    page.wait_for_function("() => [...document.querySelectorAll('iframe')].some(f => f.src.includes('/graph'))")
    frame = next(f for f in page.frames if "/bids/bid-jnm-5g-core-2026/graph" in f.url)
    wait_stabilized(frame)
    page.locator("iframe[title=\"Decision chain\"]").scroll_into_view_if_needed()
    spot = frame.evaluate("""() => { const n = window.graphcrm.network;
        n.focus('c:c-jnm-003', {scale: 1.2});
        return n.canvasToDOM(n.getPositions(['c:c-jnm-003'])['c:c-jnm-003']); }""")
    box = frame.locator("#graph").bounding_box()  # where the drawing is, on the page
    assert 0 < spot["x"] < box["width"] and 0 < spot["y"] < box["height"], (spot, box)
    with page.expect_navigation():
        page.mouse.dblclick(box["x"] + spot["x"], box["y"] + spot["y"])
    assert page.url.startswith(f"{ui.base}/ui/contacts/c-jnm-003")
    assert page.locator("h1").inner_text() == "刘慧敏"  # seeds/contacts.csv
    _clean(ui)


def test_the_trend_charts_load_in_their_frame(ui, server):
    """The account and bid pages do not wait for their month-by-month charts: a
    frame of this site draws them (offline SVG), under its own CSP."""
    page = _signed_in(ui, server.admin).page
    for path in ("/ui/accounts/acc-mzp", "/ui/bids/bid-mzp-terminal-wifi-2026", "/ui/"):
        ui.go(path)
        page.wait_for_function("() => [...document.querySelectorAll('iframe.trend')].length === 1")
        frame = next(f for f in page.frames if "/trend" in f.url)
        frame.wait_for_selector("svg")
        assert frame.locator("svg").count() >= 1, path


def test_a_gap_action_becomes_a_plan_in_one_step(ui, server, seeds):
    """acc-mzp: nobody knows c-mzp-007 温雅 any more (rep-ma-lin's depth 1 has gone stale): a general
    gap; its "make this a plan" opens the plan form with the gap fixed; an owner and a due day make it a plan."""
    page = _signed_in(ui, server.admin).page
    ui.go("/ui/accounts/acc-mzp?as_of=2026-11-15")
    before = page.locator("#plans tr").count()
    assert before == 1 + len(seeds.plans_of("acc-mzp"))  # header + the plans created by 2026-11-15
    assert "温雅" in page.locator("#gaps").inner_text()
    page.locator("#gaps a.make-plan[href*='contact_id=c-mzp-007']").click()  # the link beside her gap
    assert page.url.split("?")[0] == f"{ui.base}/ui/new/plans"
    _pick(page, "owner_rep_id", "马琳", "rep-ma-lin")
    page.fill("#in-due", "2027-01-31")
    _save(page)
    assert page.url.startswith(f"{ui.base}/ui/accounts/acc-mzp")
    row = page.locator("#plans tr", has_text="马琳")
    assert "depth 1" in row.inner_text() and "2027-01-31" in row.inner_text()
    assert page.locator("#plans tr").count() == before + 1
    page.click("#record-feedback")
    page.select_option("#in-kind", "praise")
    page.fill("#in-date", "2026-11-14")
    page.fill("#in-summary", "很满意 (very pleased)")
    _save(page)
    assert "很满意" in page.locator("#feedback").inner_text()
    _clean(ui)
