"""End to end in a real headless Chromium, at desktop (1280 px) and phone (390 px)
widths: a reader goes from the home page through a count to the list it counts, to
a commitment and to its announcement; an editor signs in, adds progress and finds
it on the public page. axe-core finds no serious or critical accessibility problem
on the way. Screenshots of every step land in test-artifacts/ (named
`NN-step-desktop.png` and `NN-step-phone.png`).

Needs Debian's `chromium` and `chromium-driver`. Without them the test is skipped,
unless REQUIRE_BROWSER=1 (as CI sets), which makes their absence a failure."""

import base64
import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from selenium_axe_python import Axe

from commitments.models import Commitment, Status
from tests.factories import CommitmentFactory, ProgressUpdateFactory, UserFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.slow

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "doj-2018-03-12.json"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
]
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def browser(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        reason = (
            "Chromium and its driver are not installed "
            "(apt-get install -y chromium chromium-driver)."
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    # The console, where Chromium reports what the Content-Security-Policy refused.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(executable_path=chromedriver), options=options
    )
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def follow(browser, element):
    """Click `element`, a link or a submit button, and wait until the page it
    leads to has loaded: click() may return while the browser is still loading
    it, and the next look would then find the old page (seen in CI on a loaded
    machine)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    wait = WebDriverWait(browser, 20)
    wait.until(expected_conditions.staleness_of(page))
    wait.until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )


def use_width(driver, label):
    """Lay pages out as a screen this wide does (a phone's viewport for "phone")."""
    width = WIDTHS[label]
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": 900,
            "deviceScaleFactor": 1,
            "mobile": label == "phone",
        },
    )


def load_demo_data():
    """The real fixture when this branch has it, else the same shape from
    factories; either way a commitment (one without progress if there is one) gets
    two more entries on its timeline to look at."""
    if DEMO_FIXTURE.exists():
        call_command("loaddata", DEMO_FIXTURE, verbosity=0)
    else:
        build_announcement()
    top_level = Commitment.objects.filter(parent__isnull=True).select_related(
        "announcement", "lead_agency"
    )
    commitment = (
        top_level.filter(updates__isnull=True).order_by("id").first()
        or top_level.order_by("id").first()
    )
    announced_on = commitment.announcement.announced_on
    ProgressUpdateFactory(
        commitment=commitment,
        reported_on=announced_on + datetime.timedelta(days=10),
        status=Status.IN_PROGRESS,
        summary="The first steps were taken.",
        author=None,
    )
    ProgressUpdateFactory(
        commitment=commitment,
        reported_on=announced_on + datetime.timedelta(days=90),
        status=Status.PARTIALLY_FULFILLED,
        summary="Half of it was done, by the report of browser-test.",
        source_url="https://www.justice.gov/opa/browser-test-evidence",
        author=None,
    )
    return commitment


def assert_accessible(driver, name):
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    serious = [
        violation
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: {axe.report(serious)}"


def assert_nothing_off_screen(driver, name):
    """No column, cell or line runs past the right edge of the screen."""
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"{name}: {overflow} px off-screen to the right"


def screenshot(driver, name, label):
    """The whole page, not just the window."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": size["height"],
                "scale": 1,
            },
        },
    )
    (ARTIFACTS / f"{name}-{label}.png").write_bytes(base64.b64decode(shot["data"]))


def top(element):
    return element.rect["y"]


def check_page(driver, name, label):
    # A page laid out for this width (a phone's only with the viewport meta tag).
    assert driver.execute_script("return window.innerWidth") == WIDTHS[label]
    assert_accessible(driver, name)
    if label == "phone":
        assert_nothing_off_screen(driver, name)
    screenshot(driver, name, label)


@pytest.mark.parametrize("label", WIDTHS)
def test_a_reader_goes_from_a_count_to_a_commitment_and_its_announcement(
    browser, live_server, transactional_db, label
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    commitment = load_demo_data()
    announcement = commitment.announcement
    use_width(browser, label)

    browser.get(live_server.url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Commitment Tracker"
    # The first Tab reaches the skip link: the page is usable from the keyboard.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    check_page(browser, "01-home", label)

    # A count on the announcement's meter opens the list it counts.
    counts = browser.find_elements(By.CSS_SELECTOR, ".meter-legend a")
    count = next(link for link in counts if not link.text.endswith(": 0"))
    label_text, number = count.text.rsplit(": ", 1)
    follow(browser, count)
    assert "announcement=" in browser.current_url
    assert "status=" in browser.current_url
    summary = browser.find_element(By.ID, "results").text
    assert summary.startswith(f"{number} commitment")
    statuses = browser.find_elements(By.CSS_SELECTOR, "table.commitments td .status")
    # The status column, and each latest update's own status after it.
    assert label_text in {status.text for status in statuses}
    assert browser.find_element(
        By.CSS_SELECTOR, "select[name=announcement] option[selected]"
    ).get_attribute("value") == (announcement.slug)
    check_page(browser, "02-list-from-a-count", label)

    follow(browser, browser.find_element(By.CSS_SELECTOR, "table.commitments th a"))
    heading = browser.find_element(By.TAG_NAME, "h1")
    # Status, due date and overdue state come before the quote.
    status_line = browser.find_element(By.CSS_SELECTOR, ".status-line")
    assert status_line.find_element(By.CSS_SELECTOR, ".status").text == label_text
    assert (
        top(heading)
        < top(status_line)
        < top(browser.find_element(By.TAG_NAME, "blockquote"))
    )
    assert "Due" in status_line.text or "No due date" in status_line.text
    check_page(browser, "03-commitment", label)

    crumbs = browser.find_element(By.CSS_SELECTOR, ".breadcrumbs")
    follow(browser, crumbs.find_element(By.LINK_TEXT, announcement.title))
    assert browser.find_element(By.TAG_NAME, "h1").text == announcement.title
    jump = browser.find_element(By.LINK_TEXT, "Jump to its commitments")
    assert top(jump) < top(browser.find_element(By.ID, "text-heading"))
    # Overlapping quotes link every commitment they belong to, and footnotes
    # are met in reading order.
    for overlap in browser.find_elements(By.CSS_SELECTOR, "mark.quote-overlap"):
        references = overlap.find_elements(
            By.XPATH, "following-sibling::a[@class='quote-ref']"
        )
        assert len(references) >= 2
    numbers = [
        int(ref.get_attribute("textContent").split("]")[0].lstrip("["))
        for ref in browser.find_elements(By.CSS_SELECTOR, ".quote-ref sup")
    ]
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen == sorted(first_seen)
    if DEMO_FIXTURE.exists():
        caption = browser.find_element(By.CSS_SELECTOR, ".article-caption")
        dateline = browser.find_element(By.CSS_SELECTOR, ".article-dateline")
        assert top(caption) < top(dateline)
        assert dateline.text == "March 14, 2018"
    check_page(browser, "04-announcement", label)
    jump.click()
    assert browser.current_url.endswith("#commitments-heading")
    assert (
        browser.execute_script(
            "return document.getElementById('commitments-heading')"
            ".getBoundingClientRect().top"
        )
        < 100
    )

    browser.get(live_server.url + f"/agencies/{commitment.lead_agency.slug}/")
    assert browser.find_elements(By.CSS_SELECTOR, ".announcement-group h3")
    check_page(browser, "05-agency", label)

    browser.get(live_server.url + "/agencies/")
    # On a phone every cell of the table stays on screen, labelled.
    overdue = browser.find_element(By.CSS_SELECTOR, "td[data-label='Overdue (led)']")
    assert overdue.is_displayed()
    assert overdue.rect["x"] + overdue.rect["width"] <= WIDTHS[label]
    check_page(browser, "06-agencies", label)

    browser.get(live_server.url + "/method/")
    browser.find_element(By.ID, "report-heading")
    check_page(browser, "07-method", label)


@pytest.mark.parametrize("label", WIDTHS)
def test_an_editor_signs_in_adds_progress_and_finds_it_on_the_public_page(
    browser, live_server, transactional_db, label
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    commitment = load_demo_data()
    # A part of it that is overdue: due 90 days after the announcement, unrated.
    overdue = CommitmentFactory(
        announcement=commitment.announcement,
        parent=commitment,
        slug="report-officers-hired",
        title="Report how many officers were hired, within 90 days",
        source_quote=commitment.source_quote,
        lead_agency=commitment.lead_agency,
        topic=commitment.topic,
        kind=Commitment.Kind.TIME_BOUND,
        deadline_text="within 90 days",
        due_in_days=90,
    )
    editor = UserFactory(username="desk-editor", is_staff=True)
    editor.set_password("a long browser-test password")
    editor.save()
    commitment.lead_agency.editors.add(editor)
    use_width(browser, label)

    browser.get(live_server.url + "/admin/")
    browser.find_element(By.ID, "id_username").send_keys("desk-editor")
    browser.find_element(By.ID, "id_password").send_keys("a long browser-test password")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    # The sign-in's redirect may still be loading when click() returns (seen on
    # a loaded machine): wait for the admin's index.
    WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((By.LINK_TEXT, "Commitments"))
    )
    follow(browser, browser.find_element(By.LINK_TEXT, "Commitments"))
    overdue_cells = browser.find_elements(By.CSS_SELECTOR, "td.field-overdue_marker")
    assert {cell.text for cell in overdue_cells} == {"Overdue", "No"}
    # Overdue in words, on red; not overdue in plain words.
    flags = browser.find_elements(
        By.CSS_SELECTOR, "td.field-overdue_marker .overdue-flag"
    )
    assert [flag.text for flag in flags] == ["Overdue"]
    assert flags[0].value_of_css_property("background-color") == "rgba(186, 33, 33, 1)"
    if label == "phone":
        assert_nothing_off_screen(browser, "admin list")
    screenshot(browser, "11-admin-list", label)

    add = f"a[href='/admin/commitments/commitment/{commitment.pk}/progress/']"
    follow(browser, browser.find_element(By.CSS_SELECTOR, add))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Add progress to")
    reported_on = browser.find_element(By.ID, "id_reported_on")
    reported_on.clear()
    reported_on.send_keys("2024-01-15")
    Select(browser.find_element(By.ID, "id_status")).select_by_value("stalled")
    browser.find_element(By.ID, "id_summary").send_keys(
        "Nothing has moved since the report, says the browser-test desk."
    )
    assert_accessible(browser, "admin add progress")
    if label == "phone":
        assert_nothing_off_screen(browser, "admin add progress")
    screenshot(browser, "12-admin-add-progress", label)
    follow(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))

    message = browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert message.startswith("Progress update of 2024-01-15 added to")
    # The change page opens with the progress for an editor.
    assert top(browser.find_element(By.ID, "updates-group")) < top(
        browser.find_element(By.XPATH, "//h2[normalize-space()='Who must act']")
    )
    if label == "desktop":
        # Every column of the progress table in view at 1280 pixels.
        assert browser.execute_script(
            "const t = document.querySelector('#updates-group .tabular');"
            "return t.scrollWidth <= t.clientWidth"
        )
    screenshot(browser, "13-admin-saved", label)

    follow(browser, browser.find_element(By.LINK_TEXT, "See it on the public page"))
    status = browser.find_element(By.CSS_SELECTOR, ".status-line .status")
    assert status.text == "Stalled"
    newest = browser.find_element(By.CSS_SELECTOR, "ol.timeline > li")
    assert "Nothing has moved since the report" in newest.text
    assert "by desk-editor." in newest.text
    assert "Recorded on " in newest.text
    check_page(browser, "14-public-page-with-the-progress", label)

    # Its overdue part: status, due date and how overdue, right under the title.
    follow(browser, browser.find_element(By.LINK_TEXT, overdue.title))
    status_line = browser.find_element(By.CSS_SELECTOR, ".status-line")
    assert "Overdue" in status_line.text
    assert "Due 10 June 2018: overdue by" in status_line.text
    assert top(status_line) < top(browser.find_element(By.TAG_NAME, "blockquote"))
    check_page(browser, "15-overdue-part", label)


def test_a_reader_filters_the_list_with_the_form_and_opens_an_agency(
    browser, live_server, transactional_db
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    load_demo_data()
    use_width(browser, "desktop")

    browser.get(live_server.url + "/")
    follow(browser, browser.find_element(By.LINK_TEXT, "All commitments"))
    browser.find_element(
        By.CSS_SELECTOR, "input[name=status][value=in_progress]"
    ).click()
    browser.find_element(By.CSS_SELECTOR, "input[name=q]").send_keys("the\n")
    # Enter submits the form; the browser loads the filtered list in its own
    # time (seen in CI under load: the old URL still there when asked at once).
    WebDriverWait(browser, 20).until(expected_conditions.url_contains("q=the"))

    assert "status=in_progress" in browser.current_url
    assert "q=the" in browser.current_url
    csv_link = browser.find_element(By.PARTIAL_LINK_TEXT, "as CSV")
    assert "status=in_progress" in csv_link.get_attribute("href")
    statuses = browser.find_elements(
        By.CSS_SELECTOR, "table.commitments td[data-label='Status'] > .status"
    )
    assert statuses
    assert {status.text for status in statuses} == {"In progress"}
    assert_accessible(browser, "list")

    follow(browser, browser.find_element(By.CSS_SELECTOR, "table.commitments td a"))
    assert browser.find_element(By.ID, "scorecard-heading").text == "Scorecard"
    assert_accessible(browser, "agency")

    follow(browser, browser.find_element(By.LINK_TEXT, "Statuses & method"))
    assert_accessible(browser, "method")


def test_the_api_docs_show_padlocks_only_on_writes(
    browser, live_server, transactional_db
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    use_width(browser, "desktop")
    browser.get(live_server.url + "/api/docs/")
    WebDriverWait(browser, 20).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".opblock-get")
    )

    reads = browser.find_elements(By.CSS_SELECTOR, ".opblock-get")
    writes = browser.find_elements(By.CSS_SELECTOR, ".opblock-post, .opblock-patch")
    public_reads = [
        read
        for read in reads
        if "/drafts/"
        not in read.find_element(By.CSS_SELECTOR, ".opblock-summary-path").text
    ]
    assert public_reads
    for read in public_reads:
        assert not read.find_elements(By.CSS_SELECTOR, ".authorization__btn")
    assert all(
        write.find_elements(By.CSS_SELECTOR, ".authorization__btn")
        for write in writes
        if "/auth/token/" not in write.text
    )
    screenshot(browser, "21-api-docs", "desktop")


def csp_violations(driver):
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def test_the_api_docs_and_the_admin_work_under_their_policies(
    browser, live_server, transactional_db, staff_user
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    load_demo_data()
    wait = WebDriverWait(browser, 20)

    browser.get(live_server.url + "/api/docs/")
    # Swagger UI ran (its scripts) and drew the operations of the fetched schema.
    wait.until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".opblock"))
    )
    assert csp_violations(browser) == []

    browser.get(live_server.url + "/admin/login/")
    browser.find_element(By.NAME, "username").send_keys("staff")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery staple")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait.until(expected_conditions.url_to_be(live_server.url + "/admin/"))
    commitment = Commitment.objects.order_by("id").first()
    browser.get(f"{live_server.url}/admin/commitments/commitment/")
    browser.get(
        f"{live_server.url}/admin/commitments/commitment/{commitment.pk}/progress/"
    )
    assert browser.find_elements(By.CSS_SELECTOR, "form#progressupdate_form")
    browser.get(
        f"{live_server.url}/admin/commitments/commitment/{commitment.pk}/change/"
    )
    assert browser.find_elements(By.CSS_SELECTOR, "form#commitment_form")

    browser.get(live_server.url + "/")
    assert csp_violations(browser) == []
