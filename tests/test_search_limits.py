"""A search is bounded: at most 200 characters and 8 different words (a repeated
word counts once), in the API's `search` and the site's `q` alike; more is 400
naming the parameter."""

import pytest

from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

NINE_WORDS = "one two three four five six seven eight nine"


def test_the_api_refuses_more_than_eight_different_words(api_client):
    response = api_client.get("/api/v1/commitments/", {"search": NINE_WORDS})

    assert response.status_code == 400
    assert response.json() == {
        "search": ["Search for at most 8 different words (9 given)."]
    }


def test_the_api_refuses_more_than_200_characters(api_client):
    response = api_client.get("/api/v1/commitments/", {"search": "x" * 201})

    assert response.status_code == 400
    assert list(response.json()) == ["search"]
    assert "at most 200 characters" in response.json()["search"][0]


def test_repeated_words_count_once(api_client):
    commitment = CommitmentFactory(title="Certify the records")
    repeated = " ".join(["certify", "CERTIFY", "Certify", "records"] * 4)

    response = api_client.get("/api/v1/commitments/", {"search": repeated})

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [commitment.pk]


def test_the_summary_shares_the_limit(api_client):
    response = api_client.get("/api/v1/commitments/summary/", {"search": NINE_WORDS})

    assert response.status_code == 400
    assert list(response.json()) == ["search"]


def test_the_site_explains_the_limit(client):
    response = client.get("/commitments/", {"q": NINE_WORDS})

    assert response.status_code == 400
    assert "Search for at most 8 different words (9 given)." in (
        response.content.decode()
    )


def test_the_site_refuses_more_than_200_characters(client):
    response = client.get("/commitments/", {"q": "word " * 41})

    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_the_csv_refuses_the_same_searches(client):
    response = client.get("/commitments.csv", {"q": NINE_WORDS})

    assert response.status_code == 400
    assert list(response.json()) == ["q"]


def test_the_longest_search_accepted_still_finds(client):
    commitment = CommitmentFactory(title="Certify records in the system daily now ok")
    words = "certify records in the system daily now ok"

    response = client.get("/commitments/", {"q": words})

    assert response.status_code == 200
    assert commitment.title in response.content.decode()
