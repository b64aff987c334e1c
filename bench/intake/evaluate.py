"""How well announcement intake finds the obligations in real texts.

    .venv/bin/python bench/intake/evaluate.py

Reads the texts and hand-made labels in bench/intake/labels.json, runs the
extractor (commitments/intake.py) on each text and prints, for the dev texts
(used while writing the rules) and the held-out ones (never tuned on):

- time-bound recall: the share of labelled time-bound obligations matched by a
  time-bound draft whose quote overlaps the label's and whose deadline is exact
  (the same due date; or, for a deadline counted from another event, no date and
  the event named);
- time-bound precision: the share of time-bound drafts so matched;
- lead right: the share of matched drafts whose lead names who the label says
  must act (the label's words, compared without case, punctuation or a leading
  "the"/"all", occur in the draft's lead);
- recall and precision for ongoing and open-ended obligations (quote overlap and
  the same kind).

Each draft matches one label at most, and each label one draft."""

import datetime
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from commitments.intake import KnownAgency, KnownTopic, extract  # noqa: E402

KINDS = ("time_bound", "ongoing", "open_ended")


def normal(text):
    text = re.sub(r"[^\w&]+", " ", text.lower()).strip()
    return re.sub(r"^(?:the|all|each)\s+", "", text)


def load(path=HERE / "labels.json"):
    """Each labelled text with its body, date and known agencies."""
    texts = []
    for entry in json.loads(Path(path).read_text(encoding="utf-8"))["texts"]:
        agencies, topics = [], []
        if "fixture" in entry:
            rows = json.loads((ROOT / entry["fixture"]).read_text(encoding="utf-8"))
            body = next(r for r in rows if r["model"] == "commitments.announcement")[
                "fields"
            ]["body"]
            aliases = {}
            for row in rows:
                if row["model"] == "commitments.agencyalias":
                    slug = row["fields"]["agency"][0]
                    aliases.setdefault(slug, []).append(row["fields"]["name"])
            agencies = [
                KnownAgency(
                    r["fields"]["slug"],
                    r["fields"]["name"],
                    r["fields"]["abbreviation"],
                    tuple(aliases.get(r["fields"]["slug"], ())),
                )
                for r in rows
                if r["model"] == "commitments.agency"
            ]
            topics = [
                KnownTopic(r["fields"]["slug"], r["fields"]["name"])
                for r in rows
                if r["model"] == "commitments.topic"
            ]
        else:
            body = (Path(path).parent / entry["file"]).read_text(encoding="utf-8")
        texts.append(
            {
                **entry,
                "body": body,
                "announced_on": datetime.date.fromisoformat(entry["announced_on"]),
                "agencies": agencies,
                "topics": topics,
            }
        )
    return texts


def span_of(body, quote):
    """Where a label's quote lies in the body (white space compared loosely)."""
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, body)
    if match is None:
        raise ValueError(f"Label quote not in the text: {quote!r}")
    return match.start(), match.end()


def deadline_exact(label, draft):
    if label.get("event"):
        return draft.due_date is None and bool(draft.deadline_event)
    return draft.due_date == datetime.date.fromisoformat(label["due_date"])


def lead_right(label, draft):
    wanted = label["lead"] if isinstance(label["lead"], list) else [label["lead"]]
    lead = normal(draft.lead_agency_text)
    return any(normal(name) in lead for name in wanted)


def match(text, drafts):
    """(label, draft) pairs: each label with the overlapping draft that fits it
    best (same kind, exact deadline), each draft used once."""
    used, pairs = set(), []
    for label in text["obligations"]:
        start, end = span_of(text["body"], label["quote"])
        candidates = [
            d
            for d in drafts
            if id(d) not in used and d.quote_start < end and start < d.quote_end
        ]

        def fit(draft, label=label, start=start):
            same_kind = draft.kind == label["kind"]
            exact = same_kind and (
                label["kind"] != "time_bound" or deadline_exact(label, draft)
            )
            return (exact, same_kind, -abs(draft.quote_start - start))

        if candidates:
            best = max(candidates, key=fit)
            used.add(id(best))
            pairs.append((label, best))
        else:
            pairs.append((label, None))
    return pairs


def evaluate(texts):
    """The figures over these texts, as a dict."""
    counts = {
        kind: {"labels": 0, "drafts": 0, "hits": 0, "lead_right": 0} for kind in KINDS
    }
    misses = []
    for text in texts:
        drafts = extract(
            text["body"], text["announced_on"], text["agencies"], text["topics"]
        )
        for draft in drafts:
            counts[draft.kind]["drafts"] += 1
        for label, draft in match(text, drafts):
            kind = label["kind"]
            counts[kind]["labels"] += 1
            hit = (
                draft is not None
                and draft.kind == kind
                and (kind != "time_bound" or deadline_exact(label, draft))
            )
            if hit:
                counts[kind]["hits"] += 1
                counts[kind]["lead_right"] += lead_right(label, draft)
                if not lead_right(label, draft):
                    misses.append(
                        f"{text['id']}: lead {draft.lead_agency_text!r}, "
                        f"wanted {label['lead']!r}"
                    )
            else:
                found = (
                    "nothing"
                    if draft is None
                    else f"{draft.kind} {draft.due_date} {draft.deadline_text!r}"
                )
                misses.append(f"{text['id']}: {kind} {label['quote'][:60]!r}: {found}")
    figures = {}
    for kind, c in counts.items():
        figures[kind] = {
            "labels": c["labels"],
            "drafts": c["drafts"],
            "recall": ratio(c["hits"], c["labels"]),
            "precision": ratio(c["hits"], c["drafts"]),
            "lead_right": ratio(c["lead_right"], c["hits"]),
        }
    figures["misses"] = misses
    return figures


def ratio(part, whole):
    return round(part / whole, 2) if whole else None


def report(name, figures):
    lines = [f"{name}:"]
    for kind in KINDS:
        f = figures[kind]
        lines.append(
            f"  {kind:<10} labels {f['labels']:>3}  drafts {f['drafts']:>3}  "
            f"recall {fmt(f['recall'])}  precision {fmt(f['precision'])}  "
            f"lead right {fmt(f['lead_right'])}"
        )
    return "\n".join(lines)


def fmt(value):
    return " n/a" if value is None else f"{value:.2f}"


def long_order(length=60_000):
    """A synthetic order of `length` characters: hundreds of numbered paragraphs,
    each with a time-bound duty, a duty without a deadline and a recurring one."""
    paragraph = (
        "(a) Within {n} days of the date of this order, the Secretary of Commerce, "
        "in consultation with the Director of the Office of Management and Budget, "
        "shall submit a report to the President that describes the plan. The "
        "report shall be published. Agencies shall annually communicate their "
        "plans to the Council.\n\n"
    )
    return "".join(paragraph.format(n=n) for n in range(1, 400))[:length]


def time_long_order():
    """Seconds the extractor takes on long_order(): the rules should stay linear
    in the text's length (README, "How it reads a text")."""
    text = long_order()
    started = time.perf_counter()
    drafts = extract(text, datetime.date(2019, 2, 11))
    return time.perf_counter() - started, len(text), len(drafts)


def main(argv):
    texts = load()
    verbose = "-v" in argv
    for split in ("dev", "heldout"):
        chosen = [t for t in texts if t["split"] == split]
        figures = evaluate(chosen)
        ids = ", ".join(t["id"] for t in chosen)
        print(report(f"{split} ({ids})", figures))
        if verbose:
            for miss in figures["misses"]:
                print("    miss:", miss)
    seconds, length, drafts = time_long_order()
    print(f"a {length:,}-character order: {drafts} drafts in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
