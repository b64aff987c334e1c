import pytest

# Each status as the method page must present it: value, label and a phrase of
# its definition (DESIGN.md, "Status vocabulary").
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
