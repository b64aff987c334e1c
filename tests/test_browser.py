"""End to end in a real headless Chromium: a reader goes from the home page to an
announcement to a commitment by following links, sees the highlighted quote and the
timeline, and axe-core finds no serious accessibility problem on any of the three
pages. Screenshots land in test-artifacts/.

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

from commitments.models import Commitment, Status, normalise_whitespace
from tests.factories import ProgressUpdateFactory
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


def load_demo_data():
    """The real fixture when this branch has it, else the same shape from
    factories; either way a commitment (one without progress if there is one) gets
    two more entries on its timeline to look at."""
    if DEMO_FIXTURE.exists():
        call_command("loaddata", DEMO_FIXTURE, verbosity=0)
    else:
        build_announcement()
    top_level = Commitment.objects.filter(parent__isnull=True).select_related(
        "announcement"
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


def screenshot(driver, name):
    """The whole page, not just the window, at desktop and at phone width."""
    ARTIFACTS.mkdir(exist_ok=True)
    for suffix, width in [("", 1280), ("-phone", 390)]:
        driver.set_window_size(width, 1000)
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
        (ARTIFACTS / f"{name}{suffix}.png").write_bytes(base64.b64decode(shot["data"]))
    driver.set_window_size(1280, 1000)


def test_a_reader_follows_links_from_home_to_a_commitment(
    browser, live_server, transactional_db
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    commitment = load_demo_data()
    announcement = commitment.announcement

    browser.get(live_server.url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Commitment Tracker"
    # The first Tab reaches the skip link: the page is usable from the keyboard.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    assert_accessible(browser, "home")
    screenshot(browser, "home")

    browser.find_element(By.LINK_TEXT, announcement.title).click()
    assert browser.find_element(By.TAG_NAME, "h1").text == announcement.title
    marks = browser.find_elements(By.CSS_SELECTOR, ".announcement-body mark a")
    assert marks, "no highlighted quote on the announcement page"
    permalink = f"/a/{announcement.slug}/{commitment.slug}/"
    # Its quote is marked where it stands in the text, and linked.
    browser.find_element(By.ID, f"quote-{commitment.slug}")
    linked = browser.find_elements(
        By.CSS_SELECTOR, f".announcement-body a[href='{permalink}']"
    )
    assert linked
    assert_accessible(browser, "announcement")
    screenshot(browser, "announcement")

    browser.find_element(By.LINK_TEXT, commitment.title).click()
    assert browser.find_element(By.TAG_NAME, "h1").text == commitment.title
    quote = browser.find_element(By.CSS_SELECTOR, "blockquote mark").text
    assert normalise_whitespace(quote) == normalise_whitespace(commitment.source_quote)
    entries = browser.find_elements(By.CSS_SELECTOR, "ol.timeline > li")
    dates = [
        entry.find_element(By.TAG_NAME, "time").get_attribute("datetime")
        for entry in entries
    ]
    assert dates == sorted(dates, reverse=True)  # newest first
    texts = [entry.text for entry in entries]
    newer = next(i for i, text in enumerate(texts) if "Half of it was done" in text)
    older = next(i for i, text in enumerate(texts) if "first steps" in text)
    assert newer < older
    assert "Partially fulfilled" in texts[newer]
    assert "In progress" in texts[older]
    evidence = entries[newer].find_element(By.PARTIAL_LINK_TEXT, "Evidence")
    assert evidence.get_attribute("href") == (
        "https://www.justice.gov/opa/browser-test-evidence"
    )
    status = browser.find_element(By.CSS_SELECTOR, ".status-line .status").text
    # The status is that of the newest update.
    assert status == entries[0].find_element(By.CSS_SELECTOR, ".status").text
    assert_accessible(browser, "commitment")
    screenshot(browser, "commitment")


def test_a_reader_filters_the_list_and_opens_an_agency(
    browser, live_server, transactional_db
):
    from selenium.webdriver.common.by import By

    load_demo_data()

    browser.get(live_server.url + "/")
    browser.find_element(By.LINK_TEXT, "All commitments").click()
    browser.find_element(
        By.CSS_SELECTOR, "input[name=status][value=in_progress]"
    ).click()
    browser.find_element(By.CSS_SELECTOR, "input[name=q]").send_keys("the\n")

    assert "status=in_progress" in browser.current_url
    assert "q=the" in browser.current_url
    csv_link = browser.find_element(By.PARTIAL_LINK_TEXT, "as CSV")
    assert "status=in_progress" in csv_link.get_attribute("href")
    statuses = browser.find_elements(By.CSS_SELECTOR, "table.commitments .status")
    assert statuses
    assert {status.text for status in statuses} == {"In progress"}
    assert_accessible(browser, "list")
    screenshot(browser, "list")

    browser.find_element(By.CSS_SELECTOR, "table.commitments td a").click()
    assert browser.find_element(By.ID, "scorecard-heading").text == "Scorecard"
    assert_accessible(browser, "agency")
    screenshot(browser, "agency")

    browser.find_element(By.LINK_TEXT, "Statuses & method").click()
    assert_accessible(browser, "method")


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
        f"{live_server.url}/admin/commitments/commitment/{commitment.pk}/change/"
    )
    assert browser.find_elements(By.CSS_SELECTOR, "form#commitment_form")

    browser.get(live_server.url + "/")
    assert csp_violations(browser) == []
