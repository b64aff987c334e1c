"""Highlight every tracked quote in place in an announcement's text.

A quote matches its announcement modulo white space (see `normalise_whitespace`), so
the search runs on the normalised text and maps the match back to the original
characters. Quotes may overlap or nest: the text is cut at every quote boundary and
each piece is marked once, linked to the innermost quote covering it, and every quote
ends with a numbered reference link of its own, so a quote hidden inside a longer one
is still reachable."""

import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

from commitments.models import normalise_whitespace

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class QuoteSpan:
    number: int
    start: int
    end: int
    url: str
    title: str
    anchor: str


def _normalised_with_offsets(text):
    """The text as `normalise_whitespace` makes it, and for each of its characters
    the index of the original character it came from."""
    characters, offsets = [], []
    for match in re.finditer(r"\s+|\S+", text):
        if match.group().isspace():
            if characters:
                characters.append(" ")
                offsets.append(match.start())
        else:
            characters.extend(match.group())
            offsets.extend(range(match.start(), match.end()))
    return "".join(characters), offsets


def locate_quotes(body, commitments, url_for):
    """The span of the body each commitment's quote occupies (its first
    occurrence), numbered in reading order; `url_for(commitment)` gives the link.
    A quote that does not occur is left out (the model refuses those, but fixtures
    bypass the model)."""
    normalised, offsets = _normalised_with_offsets(body)
    found = []
    for commitment in commitments:
        quote = normalise_whitespace(commitment.source_quote)
        index = normalised.find(quote) if quote else -1
        if index < 0:
            continue
        start = offsets[index]
        end = offsets[index + len(quote) - 1] + 1
        found.append((start, -end, commitment))
    found.sort(key=lambda item: (item[0], item[1], item[2].pk))
    return [
        QuoteSpan(
            number=number,
            start=start,
            end=-negative_end,
            url=url_for(commitment),
            title=commitment.title,
            anchor=f"quote-{commitment.slug}",
        )
        for number, (start, negative_end, commitment) in enumerate(found, start=1)
    ]


def _pieces(body, spans):
    """Cut the body at every quote boundary: (text, covering spans, spans ending
    right after this piece)."""
    cuts = sorted({0, len(body), *(s.start for s in spans), *(s.end for s in spans)})
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s.start <= start and end <= s.end]
        ending = [s for s in spans if s.end == end]
        yield body[start:end], start, covering, ending


def _render_marked(text, start, covering):
    # The innermost quote is the one that starts last (then ends first).
    innermost = max(covering, key=lambda s: (s.start, -s.end))
    starting = [s for s in covering if s.start == start]
    anchors = format_html_join(
        "",
        '<span id="{}" class="quote-anchor"></span>',
        ((s.anchor,) for s in starting),
    )
    css = "quote quote-overlap" if len(covering) > 1 else "quote"
    return format_html(
        '{}<mark class="{}"><a href="{}">{}</a></mark>',
        anchors,
        css,
        innermost.url,
        text,
    )


def _render_reference(span):
    return format_html(
        '<a class="quote-ref" href="{}"><sup aria-hidden="true">[{}]</sup>'
        '<span class="visually-hidden">(commitment {}: {})</span></a>',
        span.url,
        span.number,
        span.number,
        span.title,
    )


def highlight_paragraphs(body, spans):
    """The body as a list of paragraphs of safe HTML, with the quotes marked."""
    paragraphs = [[]]
    for text, start, covering, ending in _pieces(body, spans):
        for index, part in enumerate(PARAGRAPH_BREAK.split(text)):
            if index:
                paragraphs.append([])
            if not part:
                continue
            if covering:
                paragraphs[-1].append(_render_marked(part, start, covering))
                # Only the first part of a quote spanning paragraphs is its start.
                start = -1
            else:
                paragraphs[-1].append(format_html("{}", part))
        paragraphs[-1].extend(_render_reference(span) for span in ending)
    return [
        format_html_join("", "{}", ((piece,) for piece in paragraph))
        for paragraph in paragraphs
        if "".join(str(piece) for piece in paragraph).strip()
    ]
