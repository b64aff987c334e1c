"""Tracked quotes highlighted in place in an announcement's text."""

from types import SimpleNamespace

from commitments.site.highlight import highlight_paragraphs, locate_quotes


def commitment(slug, quote, pk=1):
    return SimpleNamespace(
        pk=pk, slug=slug, title=f"Title of {slug}", source_quote=quote
    )


def url_for(item):
    return f"/c/{item.slug}/"


def render(body, *commitments):
    spans = locate_quotes(body, commitments, url_for)
    return [str(paragraph) for paragraph in highlight_paragraphs(body, spans)]


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


def test_a_nested_quote_links_its_words_to_itself_and_both_keep_a_reference():
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
    # Numbered in reading order: the outer quote starts first.
    assert '[2]</sup><span class="visually-hidden">(commitment 2: Title of inner)' in (
        paragraph
    )
    assert '[1]</sup><span class="visually-hidden">(commitment 1: Title of outer)' in (
        paragraph
    )
    assert paragraph.index("[2]") < paragraph.index("[1]")


def test_overlapping_quotes_are_cut_at_every_boundary_without_nesting_links():
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
    # Links are never nested: each one closes before the next opens.
    assert paragraph.count("<a ") == paragraph.count("</a>") == 5


def test_the_same_quote_twice_is_one_mark_with_two_references():
    body = "They will review tips."

    (paragraph,) = render(
        body, commitment("one", "review tips", 1), commitment("two", "review tips", 2)
    )

    assert paragraph.count("<mark") == 1
    assert "[1]" in paragraph
    assert "[2]" in paragraph


def test_text_is_escaped():
    body = "A <script>alert(1)</script> & the <b>promise</b>."

    (paragraph,) = render(body, commitment("p", "the <b>promise</b>"))

    assert "<script>" not in paragraph
    assert "&lt;script&gt;" in paragraph
    assert '<a href="/c/p/">the &lt;b&gt;promise&lt;/b&gt;</a>' in paragraph


def test_a_quote_not_in_the_text_is_left_out():
    spans = locate_quotes("Some text.", [commitment("x", "not there")], url_for)

    assert spans == []
    assert [str(p) for p in highlight_paragraphs("Some text.", spans)] == ["Some text."]
