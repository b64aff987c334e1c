"""Highlight every tracked quote in place in an announcement's text, laid out in the
parts the text has.

A quote matches its announcement modulo white space (see `normalise_whitespace`), so
the search runs on the normalised text and maps the match back to the original
characters. Quotes may overlap or nest: the text is cut at every quote boundary and
each piece is marked once, its words linked to the innermost quote covering it.
Quotes are numbered in the order they start, and reference links ([n]) follow:
- each piece where quotes overlap, one per quote covering it, so the overlap links
  to every commitment it belongs to;
- the end of each quote (once, when that end is also the end of an overlap).
So each number first appears in reading order, [1] before [2].

The parts: a text that opens with the announcement's title is laid out as the
article it was taken from, the headline, then the standfirst, then the photo
caption and the date line, each on its own (see `blocks`); every other paragraph
is a paragraph."""

import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

from commitments.models import normalise_whitespace

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|"
    "November|December"
)
# A line that is a date and nothing else: "March 14, 2018", "14 March 2018",
# "2018-03-14".
DATE_LINE = re.compile(
    rf"(?:(?:{MONTHS})\.? \d{{1,2}}, \d{{4}}|\d{{1,2}} (?:{MONTHS}) \d{{4}}|"
    r"\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
# How far past the headline the date line may be looked for, in paragraphs.
FRONT_MATTER_PARAGRAPHS = 3


@dataclass(frozen=True)
class QuoteSpan:
    number: int
    start: int
    end: int
    url: str
    title: str
    anchor: str


@dataclass(frozen=True)
class Block:
    """A part of the text: `kind` is "headline", "standfirst", "caption",
    "dateline" or "paragraph"; `html` its text with the quotes marked."""

    kind: str
    html: str


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


def _trimmed(body, start, end):
    """(start, end) without the white space at either end; None if nothing is
    left."""
    text = body[start:end]
    stripped = text.strip()
    if not stripped:
        return None
    start += len(text) - len(text.lstrip())
    return start, start + len(stripped)


def _paragraphs(body):
    start = 0
    for match in PARAGRAPH_BREAK.finditer(body):
        if found := _trimmed(body, start, match.start()):
            yield found
        start = match.end()
    if found := _trimmed(body, start, len(body)):
        yield found


def _lines(body, start, end):
    position = start
    for line in body[start:end].split("\n"):
        if found := _trimmed(body, position, position + len(line)):
            yield found
        position += len(line) + 1


def blocks(body, title):
    """The parts of the body as `(kind, start, end)`. When the body opens with the
    title, it is an article: the headline; the paragraphs up to the one holding a
    line that is a date (within FRONT_MATTER_PARAGRAPHS) are its standfirst, and in
    that paragraph the date is the date line and the other lines the caption (a
    photo's, usually). Without both the title and the date line, every paragraph
    is a paragraph."""
    paragraphs = list(_paragraphs(body))
    if (
        not paragraphs
        or normalise_whitespace(body[slice(*paragraphs[0])]).casefold()
        != normalise_whitespace(title).casefold()
    ):
        return [("paragraph", *paragraph) for paragraph in paragraphs]
    parts = [("headline", *paragraphs[0])]
    for index, paragraph in enumerate(
        paragraphs[1 : 1 + FRONT_MATTER_PARAGRAPHS], start=1
    ):
        lines = list(_lines(body, *paragraph))
        if any(DATE_LINE.fullmatch(body[slice(*line)]) for line in lines):
            parts += [("standfirst", *p) for p in paragraphs[1:index]]
            parts += [
                (
                    "dateline"
                    if DATE_LINE.fullmatch(body[slice(*line)])
                    else "caption",
                    *line,
                )
                for line in lines
            ]
            return parts + [("paragraph", *p) for p in paragraphs[index + 1 :]]
    return parts + [("paragraph", *paragraph) for paragraph in paragraphs[1:]]


def _reference(span):
    return format_html(
        '<a class="quote-ref" href="{}"><sup aria-hidden="true">[{}]</sup>'
        '<span class="visually-hidden">(commitment {}: {})</span></a>',
        span.url,
        span.number,
        span.number,
        span.title,
    )


def _marked(text, start, covering):
    # The innermost quote is the one that starts last (then ends first).
    innermost = max(covering, key=lambda s: (s.start, -s.end))
    anchors = format_html_join(
        "",
        '<span id="{}" class="quote-anchor"></span>',
        ((s.anchor,) for s in covering if s.start == start),
    )
    css = "quote quote-overlap" if len(covering) > 1 else "quote"
    return format_html(
        '{}<mark class="{}"><a href="{}">{}</a></mark>',
        anchors,
        css,
        innermost.url,
        text,
    )


def _render(body, start, end, spans):
    """The text between start and end, its quotes marked, and the references
    that fall in it."""
    inside = [s for s in spans if s.start < end and start < s.end]
    cuts = sorted(
        {start, end}
        | {s.start for s in inside if start < s.start < end}
        | {s.end for s in inside if start < s.end < end}
    )
    pieces = []
    for piece_start, piece_end in zip(cuts, cuts[1:], strict=False):
        text = body[piece_start:piece_end]
        covering = [s for s in inside if s.start <= piece_start and piece_end <= s.end]
        if not covering:
            pieces.append(format_html("{}", text))
            continue
        pieces.append(_marked(text, piece_start, covering))
        referenced = {s for s in inside if s.end == piece_end}
        if len(covering) > 1:
            referenced.update(covering)
        pieces.extend(
            _reference(span) for span in sorted(referenced, key=lambda s: s.number)
        )
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def highlight_blocks(body, title, spans):
    """The body as a list of Blocks (see `blocks`) of safe HTML, quotes marked."""
    return [
        Block(kind, _render(body, start, end, spans))
        for kind, start, end in blocks(body, title)
    ]
