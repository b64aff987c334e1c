"""Announcement intake: read an announcement's text and propose the commitments in it
(docs/design.md, "Drafts (announcement intake)").

Pure functions over the text, the announcement's date and the known agencies and
topics: no database, no network, no model weights. Every rule is a pattern that a
maintainer can read, and each proposal says in `rationale` which rules produced it.

The text is read in three passes:

1. Segments: paragraphs, list items ("(a)", "(ii)", "1.") and sentences, with their
   offsets in the body, so that every quote is a verbatim slice of it.
2. Obligations: a trigger ("shall", "will", "must", "is directed to", "called on X
   to", a list item under a directing sentence) with the words naming who must act,
   taken from the subject of the clause, the object of "called on", the agent of a
   passive, or the paragraph that introduces a list; anaphors ("the Secretary",
   "such agencies", "he", "it") are replaced by what they refer to.
3. Deadlines: the first fixed deadline in the obligation's words ("within 45 days",
   "not later than 180 days after the date of this order", "by December 31, 2019",
   "immediately") makes it time-bound; one counted from another event keeps the
   event's words; a recurring one ("annually", "by October 1 of each year",
   "within 90 days of the end of each fiscal year") makes it ongoing; none,
   open-ended.
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

TIME_BOUND = "time_bound"
ONGOING = "ongoing"
OPEN_ENDED = "open_ended"

# A 60,000-character executive order takes well under a second; a body this long is
# a mistake (a pasted archive, a binary file), not an announcement.
MAX_CHARS = 500_000


class IntakeError(ValueError):
    """The text cannot be read for commitments; the message says why."""


@dataclass(frozen=True)
class KnownAgency:
    """An agency as the extractor sees it: its slug and every name it goes by (name,
    abbreviation, aliases)."""

    slug: str
    name: str
    abbreviation: str = ""
    aliases: tuple = ()


@dataclass(frozen=True)
class KnownTopic:
    slug: str
    name: str


@dataclass
class Proposal:
    """One proposed commitment. Field names follow the Draft model."""

    source_quote: str
    quote_start: int
    quote_end: int
    title: str
    lead_agency_text: str
    lead_agency: str | None
    supporting_agencies_text: str
    supporting_agencies: list
    kind: str
    deadline_text: str
    deadline_event: str
    due_in_days: int | None
    due_date: datetime.date | None
    confidence: float
    topic: str | None
    rationale: str


# ---------------------------------------------------------------------------
# Checking the text


ENGLISH_WORDS = frozenset(
    re.findall(
        r"\w+",
        "the of and to in is that for on with as by be shall will are this it at "
        "or from an not which its their has have was were all any each such other "
        "must would may under than into within after before",
    )
)


def check_text(text):
    """Raise IntakeError when the text cannot be read: empty, too long, or not
    English (the rules read English only)."""
    if not text or not text.strip():
        raise IntakeError("The announcement has no text to read.")
    if len(text) > MAX_CHARS:
        raise IntakeError(
            f"The text is {len(text):,} characters long; proposals are made for "
            f"texts of up to {MAX_CHARS:,} characters."
        )
    letters = [c for c in text[:20000] if c.isalpha()]
    if letters and sum(c.isascii() for c in letters) / len(letters) < 0.8:
        raise IntakeError(
            "The text does not read as English (most of its letters are not Latin); "
            "the intake rules read English only."
        )
    words = re.findall(r"[a-z]+", text[:20000].lower())
    if len(words) >= 20 and sum(w in ENGLISH_WORDS for w in words) / len(words) < 0.15:
        raise IntakeError(
            "The text does not read as English (too few common English words); "
            "the intake rules read English only."
        )


# ---------------------------------------------------------------------------
# Segments


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int  # index of its paragraph
    item: int  # the depth of its paragraph's list marker; 0 when it has none
    section: str  # the title of the section it is in


ITEM_RE = re.compile(
    r"\((?:[a-z]{1,2}|[ivxlc]{1,6}|[A-Z]|\d{1,2})\)\s|(?:\d{1,2}|[a-z])[.)]\s|[-•*]\s"
)
SECTION_RE = re.compile(
    r"^(?:Section|Sec\.|SECTION|SEC\.)\s*\d+[A-Za-z]?\.\s*(?P<title>[^.\n]{0,100})"
)
# Abbreviations after which a period does not end a sentence.
ABBREVIATIONS = re.compile(
    r"(?:\b(?:U\.S|U\.S\.C|Mr|Mrs|Ms|Dr|St|No|Nos|Sec|Secs|Fla|Calif|Gen|Gov|Sen|"
    r"Rep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|Inc|Co|Corp|Ltd|v|vs|"
    r"e\.g|i\.e|etc|al|Pub|L|Stat|Fed|Reg|approx|Dept|Jr|Sr|p|pp|para|subsec)|"
    r"\b[A-Z])\.$"
)
SKIPPED_SECTIONS = re.compile(
    r"^\s*(policy|purpose|purposes|definitions?|general provisions?|findings|"
    r"background|scope|revocations?|effective date)\b",
    re.IGNORECASE,
)
# Of those, the sections that state aims: a dated duty in them still obliges
# (obliges_nobody).
AIM_SECTIONS = re.compile(
    r"^\s*(policy|purpose|purposes|findings|background)\b", re.IGNORECASE
)


def paragraphs(text):
    """(start, end) of each paragraph: blocks separated by blank lines, with each
    list item on a line of its own starting a new one."""
    spans = []
    for block in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        start = block.start()
        lines = list(re.finditer(r"[^\n]+", block.group()))
        for line in lines:
            stripped = line.group().lstrip()
            offset = block.start() + line.start() + len(line.group()) - len(stripped)
            if line.start() > 0 and (
                ITEM_RE.match(stripped) or SECTION_RE.match(stripped)
            ):
                spans.append((start, offset))
                start = offset
        spans.append((start, block.end()))
    return [(s, e) for s, e in (trim(text, s, e) for s, e in spans) if e > s]


def trim(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


SENTENCE_END = re.compile(r"[.?!][\"”’)]*(?=\s+[\"“(A-Z0-9])")


def sentences(text):
    """Every sentence of the text, with its paragraph, whether that paragraph is a
    list item, and the title of the section it is in."""
    result = []
    section = ""
    heading_pending = False
    for index, (p_start, p_end) in enumerate(paragraphs(text)):
        paragraph = text[p_start:p_end]
        heading = SECTION_RE.match(paragraph)
        if heading:
            title = heading.group("title").strip()
            section = title
            heading_pending = not title
            if heading.end() >= len(paragraph.rstrip()):
                continue
        elif heading_pending and len(paragraph) < 120 and not paragraph.endswith("."):
            # "Section 2." on a line of its own, its title on the next.
            section = paragraph.split("\n")[0].strip()
            heading_pending = False
            if "\n" not in paragraph:
                continue
        else:
            heading_pending = False
        item = marker_depth(paragraph)
        start = p_start
        for match in SENTENCE_END.finditer(paragraph):
            end = p_start + match.end()
            if ABBREVIATIONS.search(text[max(start, end - 12) : end]):
                continue
            result.append(make_sentence(text, start, end, index, item, section))
            start = end
        if start < p_end:
            result.append(make_sentence(text, start, p_end, index, item, section))
    return [s for s in result if s.end > s.start]


def marker_depth(paragraph):
    """How deep a list marker sits, as in the Federal Register's outline: (a),
    then (i), then (A), then (1); a bullet below all; 0 without a marker."""
    marker = ITEM_RE.match(paragraph)
    if not marker:
        return 0
    label = marker.group().strip().strip("().")
    if re.fullmatch(r"[ivxlc]+", label) and label not in ("c", "l"):
        return 2
    if re.fullmatch(r"[a-z]{1,2}", label):
        return 1
    if re.fullmatch(r"[A-Z]", label):
        return 3
    if label.isdigit():
        return 4
    return 5


def make_sentence(text, start, end, paragraph, item, section):
    start, end = trim(text, start, end)
    # A quote starts at the words, after the list marker "(a)".
    marker = ITEM_RE.match(text, start, end)
    if marker:
        start, end = trim(text, marker.end(), end)
    return Sentence(start, end, text[start:end], paragraph, item, section)


# ---------------------------------------------------------------------------
# Deadlines

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "forty five": 45,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "seventy-five": 75,
    "eighty": 80,
    "ninety": 90,
    "a": 1,
    "an": 1,
}
NUMBER = (
    r"(?P<num>\d{1,4}|"
    + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
    + r")(?:\s*\(\d{1,4}\))?"
)
UNIT = r"(?P<unit>calendar\s+days?|business\s+days?|days?|weeks?|months?|years?)"
MONTHS = {
    name.lower(): number for number, name in enumerate(calendar.month_name) if name
}
MONTHS.update(
    {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
)
MONTHS["sept"] = 9
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

RELATIVE_RE = re.compile(
    r"\b(?P<lead>within(?:\s+the\s+next)?|not\s+later\s+than|no\s+later\s+than|"
    r"not\s+more\s+than|no\s+more\s+than|over\s+the\s+(?:next|coming)|"
    r"in\s+the\s+next|during\s+the\s+next|in)\s+" + NUMBER + r"\s+" + UNIT + r"\b"
    r"(?P<anchor>\s+(?:of|after|from|following|since|beginning\s+on|beginning\s+with)"
    r"\s+[^,;:.()]{1,200}(?:\([^()]{0,80}\)[^,;:.()]{0,120})?)?",
    re.IGNORECASE,
)
ORDER_ANCHOR = re.compile(
    r"^\s*(?:of|after|from|following|since|beginning\s+on|beginning\s+with)\s+"
    r"(?:the\s+)?(?:(?:effective\s+)?date\s+of\s+this\s+"
    r"(?:order|memorandum|proclamation|directive|announcement|memo|action|"
    r"determination|notice)|(?:signing|issuance|publication)\s+of\s+this\s+"
    r"(?:order|memorandum|proclamation|directive)|this\s+(?:order|memorandum|"
    r"proclamation|directive)|date\s+hereof|today|enactment\s+of\s+this\s+act|"
    r"(?:this\s+)?announcement)\b",
    re.IGNORECASE,
)
ABSOLUTE_RE = re.compile(
    r"\b(?P<lead>by|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|before|"
    r"starting|beginning|commencing|due)\s+(?:the\s+end\s+of\s+)?(?P<date>"
    r"(?P<month>" + MONTH + r")\s+(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+)?"
    r"(?P<year>\d{4})|(?P<iso>\d{4}-\d{2}-\d{2})|"
    r"(?:(?P<fiscal>fiscal)\s+year\s+|(?:calendar\s+)?year\s+)(?P<fy>\d{4}))",
    re.IGNORECASE,
)
IMMEDIATE_RE = re.compile(
    r"\b(?:effective\s+)?(?:immediately|immediate|forthwith|without\s+delay)\b"
    r"(?!\s+(?:after|following|upon|before|preceding|prior))",
    re.IGNORECASE,
)
RECURRING_RE = re.compile(
    r"\b(?:annually|each\s+(?:fiscal\s+|calendar\s+)?year|every\s+(?:fiscal\s+)?year|"
    r"yearly|quarterly|monthly|weekly|biannually|semiannually|semi-annually|"
    r"on\s+an?\s+(?:ongoing|continuing|regular|rolling|annual|quarterly|periodic)\s+"
    r"basis|regularly|periodically|continuously|continu(?:e|es|ing)\s+to|"
    r"each\s+(?:month|quarter)|every\s+(?:\d+|two|three|four|five|six|twelve|"
    r"thirty|sixty|ninety)\s+(?:days|weeks|months|years)|annual\s+\w+s\b|"
    r"of\s+each\s+year|thereafter)\b",
    re.IGNORECASE,
)
# An event that comes back: "the end of each fiscal year", "the close of every
# calendar year". A count of days from it recurs with it, so the duty is ongoing.
RECURRING_EVENT_RE = re.compile(
    r"\b(?:each|every)\s+(?:fiscal\s+|calendar\s+)?(?:year|quarter|month)\b|"
    r"\b(?:annually|yearly|quarterly|monthly)\b",
    re.IGNORECASE,
)
# A date without a year that comes back every year: "by October 1 of each year",
# "not later than March 31 of every year", "on or before the 15th day of January
# of each year".
ANNUAL_DATE_RE = re.compile(
    r"\b(?:by|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|before|on)\s+"
    r"(?:(?:the\s+)?" + MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?|the\s+\d{1,2}"
    r"(?:st|nd|rd|th)?\s+(?:day\s+)?of\s+" + MONTH + r")"
    r",?\s+(?:of\s+)?(?:each|every)\s+(?:fiscal\s+|calendar\s+)?year\b",
    re.IGNORECASE,
)


@dataclass
class Deadline:
    start: int
    end: int
    text: str
    kind: str  # "fixed", "event", "recurring", "standing"
    due_date: datetime.date | None = None
    due_in_days: int | None = None
    event: str = ""


def number_value(word):
    word = word.lower().replace("  ", " ")
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def add_business_days(day, count):
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def relative_due(announced_on, amount, unit):
    unit = unit.lower()
    if unit.startswith("business"):
        due = add_business_days(announced_on, amount)
    elif "day" in unit:
        return announced_on + datetime.timedelta(days=amount), amount
    elif unit.startswith("week"):
        return announced_on + datetime.timedelta(days=7 * amount), 7 * amount
    elif unit.startswith("month"):
        due = announced_on + relativedelta(months=amount)
    else:
        due = announced_on + relativedelta(years=amount)
    return due, (due - announced_on).days


def absolute_due(match):
    if match.group("iso"):
        return datetime.date.fromisoformat(match.group("iso"))
    if match.group("fy"):
        year = int(match.group("fy"))
        if match.group("fiscal"):
            return datetime.date(year, 9, 30)
        return datetime.date(year, 12, 31)
    month = MONTHS[match.group("month").lower().rstrip(".")]
    year = int(match.group("year"))
    if match.group("day"):
        return datetime.date(year, month, int(match.group("day")))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def find_deadlines(text, offset, announced_on):
    """Every deadline expression in `text` (which starts at `offset` in the body)."""
    found = []
    for match in RELATIVE_RE.finditer(text):
        amount = number_value(match.group("num"))
        if amount is None or (match.group("lead").lower() == "in" and amount > 400):
            continue
        anchor = match.group("anchor") or ""
        phrase_end = match.end()
        if anchor and not ORDER_ANCHOR.match(anchor):
            event = re.sub(
                r"^\s*(?:of|after|from|following|since|beginning\s+on|beginning\s+"
                r"with)\s+",
                "",
                anchor,
                flags=re.IGNORECASE,
            ).strip()
            event = re.split(r"\s+(?:shall|will|must)\b", event)[0].strip()
            phrase_end = match.start("anchor") + len(anchor.rstrip())
            found.append(event_deadline(text, offset, match.start(), phrase_end, event))
            continue
        if anchor:
            order = ORDER_ANCHOR.match(anchor)
            phrase_end = match.start("anchor") + order.end()
        else:
            phrase_end = match.end("unit")
        due, days = relative_due(announced_on, amount, match.group("unit"))
        found.append(
            Deadline(
                offset + match.start(),
                offset + phrase_end,
                text[match.start() : phrase_end],
                "fixed",
                due,
                days,
            )
        )
    for match in ABSOLUTE_RE.finditer(text):
        if re.match(r"\s+of\s+each\s+year", text[match.end() :], re.IGNORECASE):
            continue
        try:
            due = absolute_due(match)
        except ValueError:
            continue
        found.append(
            Deadline(
                offset + match.start(),
                offset + match.end(),
                match.group(),
                "fixed",
                due,
                None,
            )
        )
    for match in IMMEDIATE_RE.finditer(text):
        standing = match.group().lower().startswith("effective")
        found.append(
            Deadline(
                offset + match.start(),
                offset + match.end(),
                match.group(),
                "standing" if standing else "fixed",
                None if standing else announced_on,
                None if standing else 0,
            )
        )
    for match in ANNUAL_DATE_RE.finditer(text):
        found.append(
            Deadline(
                offset + match.start(), offset + match.end(), match.group(), "recurring"
            )
        )
    for match in RECURRING_RE.finditer(text):
        found.append(
            Deadline(
                offset + match.start(), offset + match.end(), match.group(), "recurring"
            )
        )
    found.sort(key=lambda d: d.start)
    kept = []
    for deadline in found:
        if any(part_of(deadline, k) for k in kept):
            continue
        kept.append(deadline)
    return kept


def event_deadline(text, offset, start, end, event):
    """A count of days from another event ("within 60 days of receipt of the
    reports") waits for that event; but when the event comes back each year ("within
    90 days of the end of each fiscal year"), so does the duty: it is recurring, with
    no single event to wait for."""
    if RECURRING_EVENT_RE.search(event):
        return Deadline(offset + start, offset + end, text[start:end], "recurring")
    return Deadline(offset + start, offset + end, text[start:end], "event", event=event)


def part_of(deadline, earlier):
    """Whether a deadline expression is part of an earlier one that holds where it
    starts: a date inside a relative phrase ("within 30 days after January 1,
    2020"), or a recurrence inside a recurring phrase ("of each year" in "by October
    1 of each year"). A fixed date after "annually" is not part of it."""
    if not earlier.start <= deadline.start < earlier.end:
        return False
    return earlier.kind != "recurring" or deadline.kind == "recurring"


def choose_deadline(deadlines):
    """The kind and the deadline of an obligation from the deadline expressions in
    its words: a fixed deadline (the first) makes it time-bound, even when it
    recurs after that; else a deadline counted from another event, unless it
    recurs ("within 90 days of the enactment of appropriations ... each year" is
    ongoing, and so is a count from an event that itself recurs, "within 90 days
    of the end of each fiscal year", see event_deadline); else a recurring or
    standing duty is ongoing; else it is open-ended."""
    fixed = [d for d in deadlines if d.kind == "fixed"]
    events = [d for d in deadlines if d.kind == "event"]
    recurring = [d for d in deadlines if d.kind in ("recurring", "standing")]
    if fixed:
        return TIME_BOUND, fixed[0]
    if events and not recurring:
        return TIME_BOUND, events[0]
    if recurring:
        return ONGOING, recurring[0]
    return OPEN_ENDED, None


# ---------------------------------------------------------------------------
# Agencies and who must act


def normalise_name(text):
    text = re.sub(r"[’']s\b", "", text)
    text = re.sub(r"[^\w&]+", " ", text.lower()).strip()
    text = re.sub(r"^(?:the|all|each|any|every|both|other|such)\s+", "", text)
    return re.sub(r"\s+", " ", text)


class Directory:
    """The known agencies by every name they go by, for resolving words to one."""

    def __init__(self, agencies):
        self.exact = {}
        self.names = []  # (pattern, slug), longest names first
        for agency in agencies:
            for name in (agency.name, *agency.aliases):
                key = normalise_name(name)
                if key:
                    self.exact.setdefault(key, agency.slug)
                    self.names.append((key, agency.slug))
            if agency.abbreviation:
                self.exact.setdefault(normalise_name(agency.abbreviation), agency.slug)
                self.names.append((agency.abbreviation, agency.slug))
        self.names.sort(key=lambda pair: -len(pair[0]))

    def resolve(self, text, definitions=None):
        """The slug of the agency these words name: by exact name, abbreviation or
        alias, else the first known name they contain."""
        if not text:
            return None
        key = normalise_name(text)
        if key in self.exact:
            return self.exact[key]
        for term, full in (definitions or {}).items():
            if key == normalise_name(term):
                slug = self.resolve(full)
                if slug:
                    return slug
        return self.first_within(text)

    def first_within(self, text):
        lowered = normalise_name(text)
        best = None
        for name, slug in self.names:
            if name.isupper() and len(name) <= 6:
                position = search_word(text, name)
            else:
                position = search_word(lowered, name)
            if position is not None and (best is None or position < best[0]):
                best = (position, slug)
        return best[1] if best else None

    def all_within(self, text, definitions=None):
        """Every known agency these words name, in the order they name them."""
        found = []
        for part in split_list(text):
            slug = self.exact.get(normalise_name(part))
            if slug:
                found.append((text.find(part), slug))
        lowered = normalise_name(text)
        for name, slug in self.names:
            if name.isupper() and len(name) <= 6:
                position = search_word(text, name)
            else:
                position = search_word(lowered, name)
                if position is not None:
                    # Offsets in the normalised words are close enough to order by.
                    position = position * len(text) // max(1, len(lowered))
            if position is not None:
                found.append((position, slug))
        slugs = []
        for _, slug in sorted(found):
            if slug not in slugs:
                slugs.append(slug)
        return slugs


def search_word(text, word):
    match = re.search(rf"(?<![\w&]){re.escape(word)}(?![\w&])", text)
    return match.start() if match else None


def split_list(text):
    """The members of a list of names: "A, B, and C" → A, B, C (parentheses kept
    whole)."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char in ",;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    result = []
    for part in parts:
        for piece in re.split(r"\s+(?:and|or)\s+(?=the\b|[A-Z])", part):
            piece = re.sub(r"^\s*(?:and|or)\s+", "", piece).strip()
            if piece:
                result.append(piece)
    return result


ACTOR_HEADS = re.compile(
    r"\b(?:secretary|secretaries|director|directors|administrator|administrators|"
    r"attorneys?\s+general|attorney\s+general|department|departments|agency|agencies|"
    r"heads?|council|committee|commission|commissioner|office|board|task\s+force|"
    r"chair|chairs|chairman|chairperson|co-chairs|president|governments?|states|"
    r"officials?|officers?|prosecutors?|bureau|service|administration|"
    r"representative|advis[eo]r|assistant|members|entities|authority|authorities|"
    r"group|team|corps|army|navy|force|coast\s+guard|governors?|mayors?|"
    r"legislatures?|congress|staff|employees|contractors|recipients|grantees|"
    r"components|sector|industry|providers|institutions|partners|labs?|"
    r"laboratories|centers?|institutes?|foundation|program\s+managers|"
    r"we|i|he|she|it|they|doj|fbi|atf)\b",
    re.IGNORECASE,
)
DELIVERABLES = (
    r"report|reports|plan|plans|action\s+plan|memorandum|notice|assessment|"
    r"inventory|review|recommendations|list|guidance|strategy|study|update|updates|"
    r"information|summary|proposal|competition|award|framework|rule|regulation|"
    r"certification|analysis|evaluation|initiative|program|policy|order|actions?|"
    r"goal|request|budget|data|findings|results|document|documents|portal|system|"
    r"database|standards?|criteria|process|procedures|measures|steps|changes|"
    r"efforts?|work|assessments|reviews|studies|plan\s+for\s+the\s+competition|"
    r"interim\s+report|final\s+report|parameters"
)
DELIVERABLE_SUBJECT = re.compile(
    rf"^(?:the|this|that|these|those|such|each|any|its|their|an?)?\s*(?:[\w-]+\s+){{0,3}}"
    rf"(?P<noun>{DELIVERABLES})\b(?:\s+(?:of|for|on|from|under|described|required)\b"
    rf".*)?$",
    re.IGNORECASE,
)
PRONOUNS = re.compile(r"^(?:he|she|it|they|we|i)$", re.IGNORECASE)
PERSON_NAME = re.compile(
    r"\b(?P<title>(?:U\.S\.\s+)?(?:Attorney\s+General|"
    r"Secretary(?:\s+of\s+[A-Z][\w ]+?)?|Director|Administrator|Governor|Mayor|"
    r"President|Commissioner|AG))\s+"
    r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z]+){0,2})"
)

SUPPORT_START = re.compile(
    r"^\s*(?:and\s+)?(?:in\s+(?:close\s+)?(?:consultation|coordination|"
    r"collaboration|conjunction|cooperation|partnership)\s+with|with\s+the\s+"
    r"(?:assistance|support|participation)\s+of|together\s+with|jointly\s+with|"
    r"supported\s+by)\b",
    re.IGNORECASE,
)
SKIP_START = re.compile(
    r"^\s*(?:acting\s+through|through|including|as\s+appropriate|as\s+needed|where\s+"
    r"appropriate|where\s+necessary|when\s+appropriate|as\s+determined|as\s+the\b|"
    r"consistent\s+with|to\s+the\s+(?:maximum\s+|greatest\s+)?extent|subject\s+to|"
    r"if\s|unless|who\s|which\s|that\s|whose\s|respectively|as\s+well\s+as|"
    r"in\s+(?:accordance|furtherance|support|addition|order|carrying|conducting|"
    r"developing|identifying|doing|particular|light)\b|pursuant|under\s)",
    re.IGNORECASE,
)
ADVERBIAL_START = re.compile(
    r"^\s*(?:within|no\s+later\s+than|not\s+later\s+than|by\s|in\s|to\s|"
    r"consistent|as\s|following|upon|after|before|under|pursuant|for\s|at\s|"
    r"additionally|specifically|further|furthermore|moreover|also|today|"
    r"similarly|where|when|if\s|once|beginning|starting|effective|on\s|during|"
    r"over|until|unless|notwithstanding|except|subject|with\s+respect|regarding|"
    r"because|since|while|although|though|however|accordingly|therefore|thus|"
    r"finally|first|second|third|collectively|recognizing|building|immediately|"
    r"then|now|meanwhile|in\s+addition|through|with\s|should\s|were\s|had\s|"
    r"from\s|and\s+in\s|as\s+directed|as\s+part)",
    re.IGNORECASE,
)
REPORTING = re.compile(
    r"^.*?\b(?:said|says|announced|added|stated|noted|explained|declared|told\s+"
    r"[\w ]+?|confirmed|pledged|promised|vowed|wrote)\s+(?:that\s+)?",
    re.IGNORECASE,
)


def split_top_level(text, offset=0):
    """(start, end) of each comma-separated segment of `text` outside
    parentheses."""
    spans, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            spans.append((offset + start, offset + i))
            start = i + 1
    spans.append((offset + start, offset + len(text)))
    return spans


@dataclass
class Actor:
    text: str  # as written (anaphors replaced)
    written: str  # exactly as written
    supporting: str = ""
    anaphor: bool = False


def subject_before(body, start, end):
    """Who acts in the clause body[start:end] that ends at a trigger: the subject
    (a list of names is kept whole), and those named "in coordination with" or "in
    consultation with" as supporting."""
    region = body[start:end]
    # Reported speech: "Sessions said the DOJ would" acts through the DOJ.
    reported = REPORTING.match(region)
    if reported:
        start += reported.end()
        region = body[start:end]
    subject, support = [], []
    state = "before"
    for s, e in split_top_level(region, start):
        segment = body[s:e]
        words = re.sub(r"^(?:and|or)\s+(?=in\s|as\s|to\s|with\s)", "", segment.strip())
        words = words.strip('"“”')
        if not words:
            continue
        if SUPPORT_START.match(words):
            state = "support"
            support.append((s, e))
        elif state == "before":
            if ADVERBIAL_START.match(words) and not ACTOR_HEADS.match(words.split()[0]):
                continue
            state = "subject"
            subject.append((s, e))
        elif state == "subject":
            if SKIP_START.match(words) or ADVERBIAL_START.match(words):
                state = "after"
            else:
                subject.append((s, e))
        elif state == "support":
            if SKIP_START.match(words) or ADVERBIAL_START.match(words):
                state = "after"
            else:
                support.append((s, e))
    if not subject:
        return None
    s_start, s_end = trim(body, subject[0][0], subject[-1][1])
    written = body[s_start:s_end]
    # "In addition, the Secretary" left its adverbial in the first segment when no
    # comma followed it; and a subject never begins with "and".
    written = clean_subject(written)
    if not written:
        return None
    support_text = ""
    if support:
        a, b = trim(body, support[0][0], support[-1][1])
        support_text = re.sub(
            r"^\s*(?:and\s+)?(?:in\s+(?:close\s+)?\w+\s+with|with\s+the\s+\w+\s+of|"
            r"together\s+with|jointly\s+with|supported\s+by)\s+",
            "",
            body[a:b],
            flags=re.IGNORECASE,
        ).strip()
    return Actor(written, written, support_text)


# ---------------------------------------------------------------------------
# Triggers

# When the duty is due, set off by commas between the modal and its verb: "shall,
# within 30 days, publish", "shall, by October 1 of each year, publish". The phrase
# may hold commas of its own ("by March 1, 2025," "within 30 days, and annually
# thereafter,"), so it ends at the comma before a word that can begin the verb
# phrase, not before "and", "or" or another phrase ("in consultation with").
TIMING_ASIDE = (
    r",\s+(?:within|by|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|"
    r"before|after|following|upon|beginning|starting|commencing|effective|each|"
    r"every|annually|at\s+least)\s[^;:]{0,160}?,"
    r"(?=\s+(?!(?:and|or|in|as|to|with|through|acting|including|consistent|"
    r"subject|where|when|if|unless)\b)[a-z])"
)
MODAL_RE = re.compile(
    r"\b(?P<modal>shall|will|must|would)\b(?!\s+not\b)(?P<adv>(?:,?\s+(?:also|"
    r"immediately|promptly|jointly|each|annually|regularly|continue\s+to|"
    r"as\s+appropriate,?|to\s+the\s+extent\s+[^,]{0,80},)|" + TIMING_ASIDE + r")*)"
    r"(?:\s+(?P<verb>[a-z][\w-]*)|(?P<colon>:))",
)
DIRECTED_RE = re.compile(
    r"\b(?:is|are)\s+(?:hereby\s+)?(?:directed|required|ordered|instructed|tasked|"
    r"expected|called\s+upon)\s+to\s+(?P<verb>[a-z][\w-]*)",
    re.IGNORECASE,
)
NOT_A_VERB = (
    r"(?!(?:the|a|an|their|its|his|her|our|all|each|any|this|that|these|those|such|"
    r"every|both|other|[A-Z])\b)"
)
CALL_ON_RE = re.compile(
    r"\b(?P<call>call(?:s|ed|ing)?\s+(?:on|upon)|direct(?:s|ed|ing)?|order(?:s|ed|"
    r"ing)?|instruct(?:s|ed|ing)?|urg(?:e|es|ed|ing)|ask(?:s|ed|ing)?|"
    r"require(?:s|d)?|requiring|task(?:s|ed|ing)?)\s+(?P<object>[^.;:]{2,240}?)\s+"
    r"to\s+" + NOT_A_VERB + r"(?:either\s+)?[\"“]?(?:\w+ly\s+and\s+\w+ly[\"”]?\s+)?"
    r"(?P<verb>[a-z][\w-]*)"
)
ORDERED_REVIEW_RE = re.compile(
    r"\b(?:order(?:s|ed)?|direct(?:s|ed)?|announc(?:es|ed)|launch(?:es|ed))\s+"
    r"(?:an?\s+|the\s+)(?:immediate\s+|new\s+|full\s+|comprehensive\s+|thorough\s+)*"
    r"(?P<verb>review|initiative|investigation|audit|study|assessment|plan|program|"
    r"effort|task\s+force)\b"
)
PLANS_RE = re.compile(
    r"\b(?:plans?|intends?|commits?|committed|pledges?|pledged|agrees?|agreed|"
    r"vows?|vowed|promises?|promised|remains?\s+committed|is\s+committed|are\s+"
    r"committed)\s+to\s+(?P<verb>[a-z][\w-]*)",
    re.IGNORECASE,
)
# Sentences that say how the order is read, not what anyone must do.
BOILERPLATE = re.compile(
    r"\b(?:shall\s+be\s+construed|shall\s+be\s+implemented\s+consistent|"
    r"is\s+not\s+intended\s+to|shall\s+mean|the\s+term\b|as\s+used\s+in\s+this|"
    r"nothing\s+in\s+this|shall\s+(?:be\s+)?(?:supersede|revoked?|amended)|"
    r"is\s+hereby\s+(?:revoked|amended)|shall\s+not\s+be\s+controlling|"
    r"shall\s+be\s+subject\s+to|shall\s+have\s+the\s+meaning|"
    r"shall\s+(?:be\s+)?(?:co-)?chaired|shall\s+consist|shall\s+be\s+composed|"
    r"shall\s+include\b|shall\s+be\s+to\b|shall\s+serve\s+(?:as|without)|"
    r"shall\s+be\s+headed|shall\s+take\s+effect|shall\s+apply|"
    r"shall\s+be\s+deemed|shall\s+remain\s+in\s+effect)",
    re.IGNORECASE,
)
NON_ACTION_VERBS = re.compile(
    r"^(?:be|have|affect|enable|facilitate|serve|apply|remain|become|"
    r"allow|continue|need|depend|benefit|result|mean|include|exceed|"
    r"impose|add)$",
    re.IGNORECASE,
)
PASSIVE_RE = re.compile(
    r"^\s*be\s+(?P<participle>[a-z]+(?:ed|en|wn|ld|nt|ht|un|ne))\b"
    r"(?:.*?\bby\s+(?P<agent>(?:the|all|each|any)\s+[^,;.]{2,160}|[A-Z][^,;.]{1,160}))?",
    re.IGNORECASE,
)


@dataclass
class Obligation:
    start: int  # quote span in the body
    end: int
    actor: Actor | None
    trigger: str
    verb_start: int  # where the duty's words begin (for the title)
    deferred: str = ""  # the deliverable noun of a passive ("the plan shall be...")
    items: list = field(default_factory=list)  # obligations of its list items


def clause_start(body, sentence, position):
    """Where the clause holding `position` begins: the sentence start, or after the
    last semicolon, or after a coordinating "and" / "but" that begins a clause with
    its own subject ("…, and said DOJ would")."""
    start = sentence.start
    region = body[sentence.start : position]
    for match in re.finditer(r";\s+", region):
        start = sentence.start + match.end()
    for match in re.finditer(
        r",?\s+(?:and|but)\s+(?=(?:said|says|added|announced|stated)\b)", region
    ):
        if sentence.start + match.end() > start:
            start = sentence.start + match.end()
    return start


def find_triggers(body, sentence):
    """(position, end, kind, verb, verb_start, actor_override) of each trigger in
    the sentence, in order."""
    text = sentence.text
    base = sentence.start
    triggers = []
    for match in MODAL_RE.finditer(text):
        verb = match.group("verb") or ""
        if NON_ACTION_VERBS.match(verb) and verb.lower() != "be":
            continue
        before = text[: match.start()].rstrip()
        # "which will serve", "that will enable": a relative clause describes; it
        # does not oblige.
        if re.search(r"\b(?:which|that|who|whom|whose|what)$", before, re.IGNORECASE):
            continue
        if match.group("modal") == "would" and not REPORTING.match(before + " "):
            continue
        triggers.append(
            (
                base + match.start(),
                base + match.end(),
                match.group("modal"),
                verb,
                base + (match.start("verb") if verb else match.end()),
                None,
            )
        )
    for regex, kind in ((DIRECTED_RE, "directed"), (PLANS_RE, "plans")):
        for match in regex.finditer(text):
            before = text[: match.start()].rstrip()
            if re.search(r"\b(?:which|that|who)$", before, re.IGNORECASE):
                continue
            triggers.append(
                (
                    base + match.start(),
                    base + match.end(),
                    kind,
                    match.group("verb"),
                    base + match.start("verb"),
                    None,
                )
            )
    for match in CALL_ON_RE.finditer(text):
        obj = match.group("object").strip()
        if not ACTOR_HEADS.search(obj) or len(obj.split()) > 25:
            continue
        if re.match(r"(?:an?|the)\s+(?:immediate|new|review)\b", obj, re.IGNORECASE):
            continue
        triggers.append(
            (
                base + match.start(),
                base + match.end(),
                "called_on",
                match.group("verb"),
                base + match.start("verb"),
                (base + match.start("object"), base + match.end("object")),
            )
        )
    for match in ORDERED_REVIEW_RE.finditer(text):
        triggers.append(
            (
                base + match.start(),
                base + match.end(),
                "ordered",
                match.group("verb"),
                base + match.start() + len(match.group().split()[0]) + 1,
                None,
            )
        )
    triggers.sort()
    # One trigger per place: "is directed to" also matches nothing else, but
    # "called on X to certify ... will" keeps both, as separate clauses.
    unique = []
    for trigger in triggers:
        if unique and trigger[0] < unique[-1][1]:
            continue
        unique.append(trigger)
    return unique


# ---------------------------------------------------------------------------
# The whole text


class Context:
    """What the text has said so far: defined terms, the last actors named, for
    resolving anaphors."""

    def __init__(self, body):
        self.definitions = defined_terms(body)
        self.people = people(body)
        self.last_actor = None
        self.last_plural = None
        self.last_person = None
        self.mentions = []  # (position, text) of "Secretary of X", "Department of X"
        for match in re.finditer(
            r"\b(?:the\s+)?(?P<head>Secretary|Department|Director|Administrator|"
            r"Attorney General|Commission|Council|Office|Agency|Bureau)\s+of\s+"
            r"(?:the\s+)?(?:[A-Z][\w.&'-]*(?:\s+(?:and|of|for|the|on)\s+|\s+)?)+",
            body,
        ):
            self.mentions.append(
                (match.start(), match.group("head"), match.group().strip())
            )

    def last_mention(self, head, position):
        found = None
        for start, mention_head, text in self.mentions:
            if start >= position:
                break
            if mention_head.lower() == head.lower():
                found = text
        return found

    def resolve(self, actor, position):
        """Replace an anaphor in the actor's words by what it refers to; in a list
        of names ("the Secretary and the Director of OMB"), in each of them."""
        members = split_list(actor.text)
        if len(members) > 1:
            text = actor.text
            changed = False
            for member in members:
                single = self.resolve_one(Actor(member, member), position)
                if single.text != member:
                    text = text.replace(member, single.text, 1)
                    changed = True
            return Actor(text, actor.written, actor.supporting, changed)
        return self.resolve_one(actor, position)

    def resolve_one(self, actor, position):
        text = actor.text.strip()
        bare = re.sub(r"^(?:the|such|these|those|this|that)\s+", "", text, flags=re.I)
        if PRONOUNS.match(text):
            lower = text.lower()
            if lower in ("he", "she", "i") and self.last_person:
                return Actor(self.last_person, actor.written, actor.supporting, True)
            if lower == "they" and self.last_plural:
                return Actor(self.last_plural, actor.written, actor.supporting, True)
            if lower in ("it", "they", "we") and self.last_actor:
                return Actor(self.last_actor, actor.written, actor.supporting, True)
            return actor
        for term, full in self.definitions.items():
            if bare == term and not term.isupper():
                return Actor(full, actor.written, actor.supporting, True)
        single = re.fullmatch(
            r"(?:the\s+)?(Secretary|Department|Director|Administrator|Commission|"
            r"Council|Office|Agency|Bureau)",
            text,
            re.IGNORECASE,
        )
        if single:
            mention = self.last_mention(single.group(1), position)
            if mention:
                return Actor(
                    re.sub(r"^The\b", "the", mention),
                    actor.written,
                    actor.supporting,
                    True,
                )
        such = re.search(
            r"\b(?:such|these|those|the\s+same)\s+(?:agencies|agency\s+heads|"
            r"departments\s+and\s+agencies|entities)\b",
            text,
            re.IGNORECASE,
        )
        if such and self.last_plural:
            referent = re.sub(
                r"^(?:the\s+)?heads?\s+of\s+", "", self.last_plural, flags=re.I
            )
            replaced = text[: such.start()] + referent + text[such.end() :]
            return Actor(replaced, actor.written, actor.supporting, True)
        name = self.people.get(text)
        if name:
            return Actor(name, actor.written, actor.supporting, False)
        return actor

    def remember(self, actor):
        if actor is None:
            return
        text = actor.text
        if re.search(r"\bagencies\b|\bdepartments\b|\bheads\b", text, re.IGNORECASE):
            self.last_plural = text
        if PERSON_NAME.search(text) or text in self.people.values():
            self.last_person = text
        elif re.fullmatch(r"[A-Z][a-z]+", text) and text in self.people:
            self.last_person = self.people[text]
        else:
            self.last_actor = text


def defined_terms(body):
    """Terms the text defines in parentheses: "the Secretary of the Treasury
    (Secretary)" → {"Secretary": "the Secretary of the Treasury"}."""
    terms = {}
    for match in re.finditer(r"\((?P<term>(?:the\s+)?[A-Z][\w&.'’ -]{1,40})\)", body):
        term = re.sub(r"^the\s+", "", match.group("term")).strip()
        if len(term.split()) > 4 or re.fullmatch(r"[\d\s.-]+", term):
            continue
        before = body[max(0, match.start() - 300) : match.start()].rstrip()
        segment = re.split(r"[,;:]|\.\s", before)[-1].strip()
        full = expansion(segment, term)
        if full and normalise_name(full) != normalise_name(term):
            terms.setdefault(term, full)
    return terms


def expansion(segment, term):
    words = segment.split()
    if not words:
        return None
    if term.isupper() and len(term) <= 8:
        # An acronym: the shortest run of words ending the segment whose capitals
        # spell it.
        for i in range(len(words) - 1, -1, -1):
            initials = "".join(w[0] for w in words[i:] if w[:1].isupper())
            if initials == term:
                return " ".join(words[i:])
        return None
    head = term.split()[0]
    singular = head[:-1] if head.endswith("s") else head
    index = None
    for i, word in enumerate(words):
        if word in (head, singular):
            index = i
            if head.endswith("ies") or head.endswith("s"):
                break
    if index is None:
        return None
    while index > 0 and (
        words[index - 1][:1].isupper()
        or words[index - 1] in ("and", "of", "for", "on")
        or re.fullmatch(r"\([A-Z]+\)", words[index - 1])
    ):
        index -= 1
    while index < len(words) and words[index] in ("and", "of", "for", "on"):
        index += 1
    prefix = "the " if index > 0 and words[index - 1].lower() == "the" else ""
    if words[index] == "The":
        words[index] = "the"
    return prefix + " ".join(words[index:])


def people(body):
    """Names of people given with their title ("Attorney General Jeff Sessions"),
    by their surname, for resolving "Sessions" and "he"."""
    found = {}
    for match in PERSON_NAME.finditer(body):
        full = f"{match.group('title')} {match.group('name')}".strip()
        surname = match.group("name").split()[-1]
        found.setdefault(surname, full)
    return found


def head_word(text):
    """The head of a noun phrase: the last word before "of", a relative clause, a
    parenthesis or a comma ("the heads of the Departments" → "heads")."""
    chunk = re.split(
        r"\s+(?:of|who|that|which|whose|as|in|for|on|from|with|under|by)\s+|[(,]",
        text.strip(),
    )[0]
    words = re.findall(r"[\w&'’-]+", chunk)
    return words[-1] if words else ""


def actor_like(text):
    """Whether these words can name someone who acts (not "the report", not "the
    department's actions")."""
    if not text:
        return False
    head = re.sub(r"[’']s$", "", head_word(text))
    if DELIVERABLE_SUBJECT.match(head):
        return False
    return bool(
        ACTOR_HEADS.fullmatch(head)
        or re.fullmatch(r"[A-Z][A-Z&]{1,7}", head)
        or (head[:1].isupper() and len(text.split()) <= 12)
    )


def clean_subject(text):
    """Drop what is not part of the name: adverbs and auxiliaries left at its end
    ("It also", "I am"), quotation marks, a leading conjunction."""
    text = text.strip().strip("\"“”'")
    text = re.sub(r"^(?:and|or|but|then|also|that|so)\s+", "", text)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(
            r"\s+(?:also|further|hereby|immediately|then|now|jointly|am|is|are|was|"
            r"were|has|have|had|each|shall|will)$",
            "",
            text,
        )
    return text.strip()


def obligations_in(body, sentence, context):
    """The obligations a sentence makes, one per actor with a duty."""
    found = []
    triggers = find_triggers(body, sentence)
    for position, _end, kind, _verb, verb_start, object_span in triggers:
        start = clause_start(body, sentence, position)
        if kind == "called_on":
            a, b = object_span
            written = re.sub(r"^(?:all\s+of\s+)", "", clean_subject(body[a:b]))
            caller = subject_before(body, start, position)
            if caller is not None:
                caller = context.resolve(caller, position)
            actor = Actor(written, written, caller.text if caller else "")
        else:
            actor = subject_before(body, start, position)
        deferred = ""
        if kind in ("shall", "will", "must", "would"):
            passive = PASSIVE_RE.match(body[verb_start - 1 : sentence.end])
            if actor is not None and DELIVERABLE_SUBJECT.match(actor.text):
                if not passive:
                    continue  # "The report shall evaluate …": what it holds
                if passive.group("agent"):
                    agent = passive.group("agent").strip()
                    actor = Actor(agent, agent)
                else:
                    deferred = DELIVERABLE_SUBJECT.match(actor.text).group("noun")
                    actor = None
            elif actor is not None and not actor_like(actor.text):
                continue
        if actor is None and not deferred:
            continue
        if found and actor is not None and found[-1].actor is not None:
            same = normalise_name(found[-1].actor.written) == normalise_name(
                actor.written
            )
            if same or start == found[-1].start:
                # Another duty of the same actor ("shall review … and shall
                # submit"): the same obligation.
                continue
        if found:
            # The clause before ends where this one begins.
            previous = found[-1]
            words = body[previous.start : start]
            previous.end = previous.start + len(
                re.sub(r"[\s,;]*(?:and|but)?\s*$", "", words)
            )
        found.append(
            Obligation(
                start if found else sentence.start,
                sentence.end,
                actor,
                kind,
                verb_start,
                deferred,
            )
        )
    for obligation in found:
        if obligation.actor is not None:
            resolved = context.resolve(obligation.actor, obligation.start)
            obligation.actor = resolved
    return found


def extract(body, announced_on, agencies=(), topics=()):
    """Propose the commitments in an announcement's text (a list of Proposal, in
    the order of the text). Raises IntakeError when the text cannot be read."""
    check_text(body)
    directory = Directory(agencies)
    context = Context(body)
    topic_words = topic_keywords(topics)
    all_sentences = sentences(body)
    obligations = []
    list_intro = None  # the obligation whose sentence introduced a list ("shall:")
    list_intro_depth = list_intro_paragraph = 0
    previous_paragraph = None
    for sentence in all_sentences:
        if obliges_nobody(sentence) and not sentence.item:
            list_intro = None
            continue
        if obliges_nobody(sentence):
            continue
        if BOILERPLATE.search(sentence.text) or not re.search(
            r"[.?!:;]\W*$|\band$|\bor$", sentence.text
        ):
            # Boilerplate, or a headline (no closing punctuation).
            found = []
        else:
            found = obligations_in(body, sentence, context)
        subject = first_subject(body, sentence)
        first_of_paragraph = sentence.paragraph != previous_paragraph
        # A list lasts while its items sit deeper than the sentence that
        # introduced it.
        if (
            list_intro is not None
            and first_of_paragraph
            and (not sentence.item or sentence.item <= list_intro_depth)
        ):
            list_intro = None
        if list_intro is not None and sentence.paragraph != list_intro_paragraph:
            if found:
                for obligation in found:
                    if obligation.actor is None and not obligation.deferred:
                        obligation.actor = list_intro.actor
                list_intro.items.extend(found)
            elif first_of_paragraph:
                # A numbered directive under "X shall:" — X's duty.
                list_intro.items.append(
                    Obligation(
                        sentence.start,
                        sentence.end,
                        list_intro.actor,
                        "list item",
                        sentence.start,
                    )
                )
            else:
                list_intro.items[-1].end = sentence.end
            previous_paragraph = sentence.paragraph
            continue
        if sentence.text.rstrip().endswith(":"):
            if found and found[-1].actor is not None:
                list_intro = found[-1]
                list_intro_depth = sentence.item
                list_intro_paragraph = sentence.paragraph
            elif re.search(
                r"\b(?:direct|order)\s+(?:the\s+following|that)\b|\bfollowing\s+"
                r"(?:actions|steps|directives)\b",
                sentence.text,
                re.IGNORECASE,
            ):
                actor = subject_before(body, sentence.start, sentence.end)
                intro = Obligation(
                    sentence.start, sentence.end, actor, "numbered", sentence.start
                )
                list_intro = intro
                list_intro_depth = sentence.item
                list_intro_paragraph = sentence.paragraph
                found = [intro]
        if subject is not None and actor_like(subject.text):
            context.remember(context.resolve(subject, sentence.start))
        for obligation in found:
            if obligation.actor is not None:
                context.remember(obligation.actor)
        obligations.extend(found)
        previous_paragraph = sentence.paragraph
    proposals = []
    last = None
    for obligation in sorted(flatten(body, obligations), key=lambda o: o.start):
        proposal = build(body, obligation, announced_on, directory, context, last)
        if proposal is None:
            continue
        if (
            obligation.deferred
            and last is not None
            and mergeable(last, obligation, body)
        ):
            merge(body, last, proposal)
            continue
        proposal.topic = choose_topic(proposal.source_quote, topic_words)
        proposals.append(proposal)
        last = proposal
    return proposals


def obliges_nobody(sentence):
    """Whether a sentence sits in a section that obliges nobody. Definitions,
    General Provisions, Revocations and the like say how the order is read.
    Policy, Purpose, Findings and Background state aims ("The United States must
    lead in AI"), but an aim has no deadline: a sentence there that names a date
    or a count of days ("Sec. 2. Policy. The Attorney General shall submit a report
    within 30 days.") is a duty like any other."""
    if not SKIPPED_SECTIONS.match(sentence.section or ""):
        return False
    dated_aim = AIM_SECTIONS.match(sentence.section) and names_a_date(sentence.text)
    return not dated_aim


def names_a_date(text):
    """Whether the words name a date or a count of days ("within 30 days", "by
    December 31, 2019", "by October 1 of each year"); "immediate" is not one
    ("Immediate action is necessary" states an aim)."""
    return bool(
        RELATIVE_RE.search(text)
        or ABSOLUTE_RE.search(text)
        or ANNUAL_DATE_RE.search(text)
    )


def first_subject(body, sentence):
    """The subject of a sentence's main verb, for remembering who was last named
    (so that a later "he" or "it" can be resolved)."""
    match = re.search(
        r"\b(?:announced|said|says|ordered|called|touted|plans|remains|is|are|was|"
        r"were|has|have|had)\b",
        sentence.text,
    )
    if not match:
        return None
    return subject_before(body, sentence.start, sentence.start + match.start())


def flatten(body, obligations):
    """Each obligation in text order; a list intro whose items carry deadlines of
    their own gives way to one obligation per item, else it is one obligation
    with its items."""
    for obligation in obligations:
        if not obligation.items:
            yield obligation
            continue
        own = [item for item in obligation.items if item.trigger != "list item"]
        plain = [item for item in obligation.items if item.trigger == "list item"]
        dated = [item for item in plain if states_deadline(body[item.start : item.end])]
        if dated:
            yield obligation
            for item in plain:
                if item in dated:
                    yield item
        else:
            if plain:
                obligation.end = max(obligation.end, plain[-1].end)
            yield obligation
        yield from own


def states_deadline(text):
    return bool(
        RELATIVE_RE.search(text)
        or ABSOLUTE_RE.search(text)
        or IMMEDIATE_RE.search(text)
    )


def build(body, obligation, announced_on, directory, context, last):
    """A Proposal from an obligation: resolve its actor, read its deadline."""
    start, end = obligation.start, obligation.end
    quote = body[start:end]
    actor = obligation.actor
    rationale = [f'trigger "{obligation.trigger}"']
    if actor is None and obligation.deferred:
        if last is None:
            return None
        lead_text = last.lead_agency_text
        support_text = last.supporting_agencies_text
        rationale.append(f"who must act: as for the {obligation.deferred} before")
    elif actor is None:
        return None
    else:
        lead_text = actor.text
        support_text = actor.supporting
        if actor.anaphor:
            rationale.append(f'"{actor.written}" read as "{actor.text}"')
    lead_text = re.sub(r"\s+", " ", lead_text).strip(" ,;")
    # "the Secretary of the Treasury (Secretary)": the definition is not the name.
    lead_text = re.sub(r"\s*\((?:the\s+)?[A-Z][^()]{0,40}\)$", "", lead_text)
    support_text = re.sub(r"\s+", " ", support_text).strip(" ,;")
    lead = directory.resolve(lead_text, context.definitions)
    supporting = [
        slug
        for slug in directory.all_within(support_text, context.definitions)
        if slug != lead
    ]
    deadlines = find_deadlines(quote, start, announced_on)
    kind, deadline = choose_deadline(deadlines)
    deadline_text = deadline.text if deadline else ""
    event = deadline.event if deadline and deadline.kind == "event" else ""
    due_date = deadline.due_date if deadline and kind == TIME_BOUND else None
    due_in_days = deadline.due_in_days if deadline and kind == TIME_BOUND else None
    if deadline:
        rationale.append(f'deadline "{deadline.text}" ({deadline.kind})')
    confidence = {
        "shall": 0.8,
        "must": 0.7,
        "directed": 0.85,
        "called_on": 0.8,
        "will": 0.6,
        "would": 0.5,
        "plans": 0.5,
        "ordered": 0.6,
        "list item": 0.7,
        "numbered": 0.7,
    }.get(obligation.trigger, 0.6)
    if lead:
        confidence += 0.1
        rationale.append(f'"{lead_text}" is the agency {lead}')
    if deadline and kind == TIME_BOUND:
        confidence += 0.05
    if obligation.deferred:
        confidence -= 0.15
    return Proposal(
        source_quote=quote,
        quote_start=start,
        quote_end=end,
        title=make_title(body, obligation, quote),
        lead_agency_text=lead_text[:500],
        lead_agency=lead,
        supporting_agencies_text=support_text[:1000],
        supporting_agencies=supporting,
        kind=kind,
        deadline_text=deadline_text[:200],
        deadline_event=event[:300],
        due_in_days=due_in_days,
        due_date=due_date,
        confidence=round(max(0.05, min(0.99, confidence)), 2),
        topic=None,
        rationale="; ".join(rationale) + ".",
    )


def mergeable(last, obligation, body):
    """A deliverable's deadline given in a later sentence ("The plan shall be
    submitted within 90 days") completes the duty that asked for it, when that duty
    has no deadline of its own and comes just before. A recurring duty that says
    when it falls due ("within 90 days of the end of each fiscal year", "by October
    1 of each year") has one."""
    if last.kind == TIME_BOUND and last.due_date is not None:
        return False
    if last.kind == TIME_BOUND and last.deadline_event:
        return False
    if names_a_date(last.deadline_text):
        return False
    noun = obligation.deferred.split()[-1].lower().rstrip("s")
    between = body[last.quote_end : obligation.start]
    return noun in last.source_quote.lower() and len(between) < 1500


def merge(body, last, proposal):
    if proposal.kind == OPEN_ENDED:
        return
    last.quote_end = proposal.quote_end
    last.source_quote = body[last.quote_start : last.quote_end]
    for name in ("kind", "deadline_text", "deadline_event", "due_in_days", "due_date"):
        setattr(last, name, getattr(proposal, name))
    last.rationale = (
        last.rationale.rstrip(".") + "; its deadline from a later sentence: "
        f'"{proposal.deadline_text}".'
    )


TITLE_STOP = re.compile(
    r"[,;:(]|\s(?:that|which|who|in\s+order|so\s+that|consistent\s+with|to\s+the\s+"
    r"extent|including|as\s+appropriate)\s"
)


def make_title(body, obligation, quote):
    """A short title: the duty's own words, from its verb."""
    words = body[obligation.verb_start : obligation.end]
    words = re.sub(r"^(?:to\s+|either\s+)", "", words.strip())
    stop = TITLE_STOP.search(words[12:])
    if stop:
        words = words[: 12 + stop.start()]
    words = re.sub(r"\s+", " ", words).strip(" .,;:")
    if len(words) > 90:
        words = words[:90].rsplit(" ", 1)[0]
    if len(words) < 8:
        words = re.sub(r"\s+", " ", quote).strip()[:90].rsplit(" ", 1)[0]
    return words[:1].upper() + words[1:]


def topic_keywords(topics):
    keywords = []
    for topic in topics:
        words = {
            stem(word)
            for word in re.findall(r"[a-z]+", f"{topic.name} {topic.slug}".lower())
            if len(word) > 3
        }
        keywords.append((topic.slug, words))
    return keywords


def stem(word):
    return re.sub(r"(?:ies|es|s|ing|ed)$", "", word)


def choose_topic(quote, topic_words):
    words = {stem(word) for word in re.findall(r"[a-z]+", quote.lower())}
    best = None
    for slug, keywords in topic_words:
        score = len(keywords & words)
        if score and (best is None or score > best[0]):
            best = (score, slug)
    return best[1] if best else None
