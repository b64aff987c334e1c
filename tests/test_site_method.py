import pytest

# Each status as the method page must present it: value, label and a phrase of
# its definition (STATUS_DEFINITIONS in commitments/models.py; docs/design.md,
# "Status vocabulary").
STATUSES = [
    ("not_rated", "Not yet rated", "Nobody has assessed it yet"),
    ("in_progress", "In progress", "Concrete steps are under way"),
    ("stalled", "Stalled", "No movement, or blocked."),
    ("partially_fulfilled", "Partially fulfilled", "Substantially less than"),
    ("fulfilled", "Fulfilled", "Mostly or completely done."),
    ("broken", "Broken", "Will not be done"),
]


@pytest.mark.django_db
def test_method_page_defines_every_status_and_overdue_and_late(
    client, django_assert_num_queries
):
    with django_assert_num_queries(2):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. RELEASE SAVEPOINT: the page itself reads nothing from the database
        response = client.get("/method/")

    assert response.status_code == 200
    html = response.content.decode()
    for value, label, definition in STATUSES:
        assert f'id="status-{value}"' in html
        assert label in html
        assert definition in html
    assert "<strong>overdue</strong> when its due date has passed" in html
    assert "<strong>late</strong> when its final assessment is dated after" in html


@pytest.mark.django_db
def test_method_page_says_who_keeps_the_record_how_it_is_reviewed_and_corrected(
    client, settings
):
    settings.CONTACT_EMAIL = "corrections@tracker.example.org"
    settings.REVIEW_INTERVAL_DAYS = 14

    html = client.get("/method/").content.decode()

    assert '<h2 id="record-heading">Who keeps the record</h2>' in html
    assert "record progress on the commitments those agencies" in html
    assert "reviewed at least every 14 days" in html
    assert "retracted with a reason, not deleted" in html
    assert "Nothing is corrected silently." in html
    assert (
        '<a href="mailto:corrections@tracker.example.org">'
        "corrections@tracker.example.org</a>"
    ) in html


@pytest.mark.django_db
def test_method_page_without_a_contact_address_says_so(client, settings):
    settings.CONTACT_EMAIL = ""

    html = client.get("/method/").content.decode()

    assert '<h2 id="report-heading">Report an error</h2>' in html
    assert "no contact address for reports yet" in html
    assert "mailto:" not in html
