"""Every count on the site is a link to the list of the commitments it counts: the
list at that address shows as many as the link says."""

import html as html_module
import re

import pytest
from django.core.management import call_command

from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

ANNOUNCEMENT = "doj-school-safety-2018-03-12"
COUNT_LINK = re.compile(r'<a href="(/commitments/\?[^"]*)"[^>]*>(.*?)</a>', re.DOTALL)


def count_links(html):
    """(address, number) of each link to the list that carries a number."""
    links = []
    for href, text in COUNT_LINK.findall(html):
        number = re.search(r"\d+", re.sub(r"<[^>]+>", "", text))
        if number:
            links.append((html_module.unescape(href), int(number.group())))
    return links


def listed_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.search(
        r"(\d+) commitments? match these filters", response.content.decode()
    )
    assert found, url
    return int(found.group(1))


def assert_every_count_opens_its_list(client, page):
    links = count_links(client.get(page).content.decode())
    assert links, f"{page} links no count to the list"
    for url, number in links:
        assert listed_count(client, url) == number, (page, url)
    return dict(links)


def test_the_home_meters_link_each_count_to_its_list(client):
    build_announcement()

    links = assert_every_count_opens_its_list(client, "/")

    assert links[f"/commitments/?announcement={ANNOUNCEMENT}&status=not_rated"] == 3
    assert links[f"/commitments/?announcement={ANNOUNCEMENT}&status=fulfilled"] == 1
    assert links[f"/commitments/?announcement={ANNOUNCEMENT}&overdue=true"] == 2
    assert links[f"/commitments/?announcement={ANNOUNCEMENT}&late=true"] == 1
    assert links[f"/commitments/?announcement={ANNOUNCEMENT}"] == 5


def test_the_announcement_page_links_each_count_to_its_list(client):
    build_announcement()

    links = assert_every_count_opens_its_list(client, f"/a/{ANNOUNCEMENT}/")

    assert links[f"/commitments/?announcement={ANNOUNCEMENT}&overdue=true"] == 2


def test_an_agency_page_links_what_it_leads_and_what_it_supports(client):
    build_announcement()

    links = assert_every_count_opens_its_list(client, "/agencies/doj/")

    assert links["/commitments/?lead_agency=doj"] == 1
    assert links["/commitments/?lead_agency=doj&status=not_rated"] == 1
    # The DOJ supports the NICS certification, met late.
    assert links["/commitments/?supporting_agency=doj"] == 1
    assert links["/commitments/?supporting_agency=doj&late=true"] == 1


def test_the_agency_table_links_every_number(client):
    build_announcement()

    links = assert_every_count_opens_its_list(client, "/agencies/")

    assert links["/commitments/?lead_agency=fbi&overdue=true"] == 2
    assert links["/commitments/?lead_agency=states"] == 1


def test_the_demo_counts_match_their_lists(client):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)

    for page in ["/", f"/a/{ANNOUNCEMENT}/", "/agencies/", "/agencies/fbi/"]:
        assert_every_count_opens_its_list(client, page)
