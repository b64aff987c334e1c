import pytest

from commitments.models import STATUS_DEFINITIONS, Status


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
    for status in Status:
        assert f'id="status-{status.value}"' in html
        assert status.label in html
        assert STATUS_DEFINITIONS[status] in html
    assert "<strong>overdue</strong> when its due date has passed" in html
    assert "<strong>late</strong> when its final assessment is dated after" in html
