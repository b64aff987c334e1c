"""The code cites its design notes by file and section ("docs/design.md,
"Status as of"") and the README by section: every cited file must be in the
repository and every cited section of docs/design.md one of its headings, so a
reader who follows a citation finds it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every Python file of the project but this one, which names what it looks for.
SOURCES = sorted(
    path
    for folder in ("commitments", "tracker", "bench", "tests", ".ci")
    for path in (ROOT / folder).rglob("*.py")
    if path != Path(__file__).resolve()
)
# `docs/design.md, "Heading"` or `docs/design.md ("Heading")`, the heading
# possibly broken over lines of a comment or docstring.
DESIGN_CITATION = re.compile(r'docs/design\.md(?:,\s*|\s*\()"([^"]+)"')


def headings(path):
    return {
        line.lstrip("#").strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }


def flattened(text):
    # A heading cited over two lines of a comment: drop the comment marks.
    return re.sub(r"\s*\n\s*(?:#\s*)?", " ", text)


def test_nothing_cites_a_document_the_repository_lacks():
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        # The contract is cited as docs/design.md, never by a bare DESIGN.md.
        assert not re.search(r"(?<!docs/)\bDESIGN\.md", text), path
        for cited in re.findall(r"\bdocs/[\w-]+\.md", text):
            assert (ROOT / cited).is_file(), f"{path}: {cited}"


def test_every_section_cited_in_the_design_notes_exists():
    known = headings(ROOT / "docs" / "design.md")
    missing = [
        f"{path.relative_to(ROOT)}: {cited!r}"
        for path in SOURCES
        for cited in DESIGN_CITATION.findall(flattened(path.read_text("utf-8")))
        if cited.lower() not in known
    ]
    assert missing == []
    # The files that cite it are found.
    assert sum("docs/design.md" in path.read_text("utf-8") for path in SOURCES) > 20


def test_the_check_finds_citations_over_two_lines():
    text = '(docs/design.md, "Status\n    as of")'
    assert DESIGN_CITATION.findall(flattened(text)) == ["Status as of"]
