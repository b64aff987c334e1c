"""bench/run.py --search-only times the longest search the site accepts, built by
longest_search from the caps in commitments/filtersets.py. These check that the
search it builds is the longest the site accepts (one word or one character
more is refused) and that it selects what the benchmark says it does."""

import pytest

from bench.run import longest_search
from commitments.filtersets import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

COMMON = ["commitment", "covers", "every", "office"]


def different_words(text):
    return {word.casefold() for word in text.split()}


@pytest.mark.parametrize("common", [[], COMMON], ids=["missing only", "common"])
def test_the_site_accepts_the_longest_search(client, common):
    text = longest_search(common, SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS)

    response = client.get("/commitments/", {"q": text})

    assert response.status_code == 200
    assert len(text) == SEARCH_MAX_LENGTH
    assert len(different_words(text)) == SEARCH_MAX_WORDS


def test_one_word_more_is_refused(client):
    text = longest_search(COMMON, SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS + 1)

    response = client.get("/commitments/", {"q": text})

    assert len(text) == SEARCH_MAX_LENGTH
    assert response.status_code == 400
    assert f"at most {SEARCH_MAX_WORDS} different words" in response.content.decode()


def test_one_character_more_is_refused(client):
    text = longest_search(COMMON, SEARCH_MAX_LENGTH + 1, SEARCH_MAX_WORDS)

    response = client.get("/commitments.csv", {"q": text})

    assert len(different_words(text)) == SEARCH_MAX_WORDS
    assert response.status_code == 400
    assert list(response.json()) == ["q"]


def test_common_words_come_first_once_and_a_missing_word_last():
    text = longest_search(
        ["covers", "COVERS", "every", "Every"], SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS
    )

    words = text.split()
    assert words[:2] == ["covers", "every"]
    assert not different_words(" ".join(words[2:])) & {"covers", "every"}


def test_common_words_leave_room_for_the_missing_ones():
    text = longest_search(["a" * 60, "b" * 60, "c" * 60, "d" * 60], 200, 8)

    words = text.split()
    assert words[:2] == ["a" * 60, "b" * 60]
    assert all(word.startswith("zqx") for word in words[2:])
    assert len(text) == 200
    assert len(different_words(text)) == 8


def test_the_common_words_select_what_the_missing_word_excludes(client):
    CommitmentFactory(description="The commitment covers every office of the agency.")
    common = longest_search(COMMON, 80, len(COMMON) + 1).rsplit(" ", 1)[0]
    longest = longest_search(COMMON, SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS)

    assert "1 commitment match" in client.get("/commitments/", {"q": common}).text
    assert "0 commitments match" in client.get("/commitments/", {"q": longest}).text
