"""Tracked quotes highlighted in place in an announcement's text, laid out in the
parts of the text."""

import re
from types import SimpleNamespace

from commitments.site.highlight import highlight_blocks, locate_quotes


def commitment(slug, quote, pk=1):
    return SimpleNamespace(
        pk=pk, slug=slug, title=f"Title of {slug}", source_quote=quote
    )


def url_for(item):
    return f"/c/{item.slug}/"


def blocks(body, *commitments, title="A title"):
    spans = locate_quotes(body, commitments, url_for)
    return [
        (block.kind, str(block.html)) for block in highlight_blocks(body, title, spans)
    ]


def render(body, *commitments):
    return [html for _, html in blocks(body, *commitments)]


def references(html):
    """The footnote numbers in the order a reader meets them."""
    return [int(number) for number in re.findall(r"\[(\d+)\]</sup>", html)]


def links(html):
    return re.findall(r'<a (?:class="quote-ref" )?href="([^"]+)"', html)


def right_after(html, marked):
    """What follows the mark of these words, up to the next mark."""
    start = html.index(f"{marked}</a></mark>") + len(f"{marked}</a></mark>")
    end = html.find("<mark", start)
    return html[start : end if end >= 0 else len(html)]


def test_a_quote_is_marked_and_linked_in_place():
    paragraphs = render("We will act now. Then rest.", commitment("act", "act now"))

    assert paragraphs == [
        'We will <span id="quote-act" class="quote-anchor"></span>'
        '<mark class="quote"><a href="/c/act/">act now</a></mark>'
        '<a class="quote-ref" href="/c/act/"><sup aria-hidden="true">[1]</sup>'
        '<span class="visually-hidden">(commitment 1: Title of act)</span></a>'
        ". Then rest."
    ]


def test_a_quote_matches_across_line_breaks_and_keeps_the_original_text():
    body = "It will certify over\n   the next 45 days that it reports."

    (paragraph,) = render(body, commitment("c", "certify over the next\n45 days"))

    assert '<a href="/c/c/">certify over\n   the next 45 days</a></mark>' in paragraph


def test_paragraphs_become_separate_and_a_quote_spanning_two_is_marked_in_both():
    body = "First part of it.\n\nSecond part of it."

    paragraphs = render(body, commitment("both", "of it. Second part"))

    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("First part ")
    assert '<mark class="quote"><a href="/c/both/">of it.</a></mark>' in paragraphs[0]
    assert (
        '<mark class="quote"><a href="/c/both/">Second part</a></mark>'
        in (paragraphs[1])
    )
    # The anchor is where the quote starts, once.
    assert "".join(paragraphs).count('id="quote-both"') == 1


def test_a_nested_quote_links_its_words_to_itself_and_the_overlap_to_both():
    body = "They must certify over the next 45 days that they report."
    outer = commitment("outer", "certify over the next 45 days that they report", 1)
    inner = commitment("inner", "over the next 45 days", 2)

    (paragraph,) = render(body, inner, outer)

    assert paragraph.count("<mark") == 3
    assert '<mark class="quote"><a href="/c/outer/">certify </a></mark>' in paragraph
    assert (
        '<mark class="quote quote-overlap"><a href="/c/inner/">over the next 45 days'
        "</a></mark>" in paragraph
    )
    assert '<a href="/c/outer/"> that they report</a></mark>' in paragraph
    # The overlap is followed by a reference to each quote it belongs to.
    after_overlap = right_after(paragraph, "over the next 45 days")
    assert links(after_overlap) == ["/c/outer/", "/c/inner/"]
    assert "(commitment 1: Title of outer)" in after_overlap
    assert "(commitment 2: Title of inner)" in after_overlap
    # Numbered in reading order (the outer quote starts first), and met in it.
    assert references(paragraph) == [1, 2, 1]


def test_the_footnotes_are_met_in_reading_order():
    body = "They must certify over the next 45 days that they report. Then review."
    commitments = [
        commitment("inner", "over the next 45 days", 1),
        commitment("outer", "certify over the next 45 days that they report", 2),
        commitment("review", "review", 3),
    ]

    (paragraph,) = render(body, *commitments)

    first_seen = list(dict.fromkeys(references(paragraph)))
    assert first_seen == [1, 2, 3]
    assert "(commitment 1: Title of outer)" in paragraph
    assert "(commitment 3: Title of review)" in paragraph


def test_overlapping_quotes_are_cut_at_every_boundary_and_the_overlap_links_both():
    body = "alpha beta gamma delta"

    (paragraph,) = render(
        body,
        commitment("first", "alpha beta gamma", 1),
        commitment("second", "beta gamma delta", 2),
    )

    assert '<a href="/c/first/">alpha </a>' in paragraph
    assert '<mark class="quote quote-overlap"><a href="/c/second/">beta gamma</a>' in (
        paragraph
    )
    assert '<a href="/c/second/"> delta</a>' in paragraph
    assert links(right_after(paragraph, "beta gamma")) == ["/c/first/", "/c/second/"]
    assert references(paragraph) == [1, 2, 2]
    # Links are never nested: each one closes before the next opens.
    assert paragraph.count("<a ") == paragraph.count("</a>") == 6


def test_the_same_quote_twice_is_one_mark_with_two_references():
    body = "They will review tips."

    (paragraph,) = render(
        body, commitment("one", "review tips", 1), commitment("two", "review tips", 2)
    )

    assert paragraph.count("<mark") == 1
    assert references(paragraph) == [1, 2]


ARTICLE = """DOJ Announces Plan

'No child should have to fear going to school'

U.S. Attorney General Jeff Sessions / Getty Images
March 14, 2018

Attorney General Jeff Sessions announced on Monday that the Department would act.

He ordered an immediate review."""


def test_an_article_keeps_its_headline_standfirst_caption_and_date_line_apart():
    parts = blocks(
        ARTICLE,
        commitment("review", "an immediate review"),
        title="DOJ announces plan",
    )

    assert [kind for kind, _ in parts] == [
        "headline",
        "standfirst",
        "caption",
        "dateline",
        "paragraph",
        "paragraph",
    ]
    assert parts[2][1] == "U.S. Attorney General Jeff Sessions / Getty Images"
    assert parts[3][1] == "March 14, 2018"
    assert '<a href="/c/review/">an immediate review</a>' in parts[5][1]


def test_a_text_that_does_not_open_with_the_title_is_paragraphs():
    parts = blocks(ARTICLE, title="Another title")

    assert [kind for kind, _ in parts] == ["paragraph"] * 5
    assert parts[2][1] == (
        "U.S. Attorney General Jeff Sessions / Getty Images\nMarch 14, 2018"
    )


def test_without_a_date_line_only_the_headline_stands_apart():
    body = "DOJ Announces Plan\n\nA first paragraph.\n\nA second one."

    parts = blocks(body, title="DOJ Announces Plan")

    assert [kind for kind, _ in parts] == ["headline", "paragraph", "paragraph"]


def test_text_is_escaped():
    body = "A <script>alert(1)</script> & the <b>promise</b>."

    (paragraph,) = render(body, commitment("p", "the <b>promise</b>"))

    assert "<script>" not in paragraph
    assert "&lt;script&gt;" in paragraph
    assert '<a href="/c/p/">the &lt;b&gt;promise&lt;/b&gt;</a>' in paragraph


def test_a_quote_not_in_the_text_is_left_out():
    spans = locate_quotes("Some text.", [commitment("x", "not there")], url_for)

    assert spans == []
    assert render("Some text.") == ["Some text."]
