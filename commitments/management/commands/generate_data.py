"""Fill the database with announcements, commitments and progress updates of a
realistic shape, fast, for benchmarks and for trying the service at scale.

Rows are written in bulk (`bulk_create` in batches, or PostgreSQL `COPY`), which
bypasses the models' save(). So the generator computes the derived fields itself,
exactly as the models would: `due_date` from the day count, `original_due_date`,
`status` and `final_assessed_on` from the latest update by `reported_on` (ties: the
later `created_at`), `version` bumped once per save the model would have made, and
a deadline change for every moved deadline.
tests/test_generate_data.py replays generated rows through the models to check it.

On PostgreSQL, `--compare` also loads every batch with the other method inside a
savepoint that is rolled back, so the output compares the two on the same rows,
tables, indexes and constraints. Bulk writes make no history records by
themselves, so after the load every generated row that has none gets its "+"
(created) record, also in bulk, unless `--no-history` says otherwise.
"""

import bisect
import datetime
import io
import itertools
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from commitments.models import (
    Agency,
    Announcement,
    Commitment,
    DeadlineChange,
    ProgressUpdate,
    Status,
    Topic,
)

# Departments with their components: (slug, abbreviation, name, children).
DEPARTMENTS = [
    ("doj", "DOJ", "Department of Justice", [
        ("fbi", "FBI", "Federal Bureau of Investigation"),
        ("atf", "ATF", "Bureau of Alcohol, Tobacco, Firearms and Explosives"),
        ("dea", "DEA", "Drug Enforcement Administration"),
        ("usms", "USMS", "United States Marshals Service"),
        ("bop", "BOP", "Federal Bureau of Prisons"),
        ("ojp", "OJP", "Office of Justice Programs"),
    ]),
    ("dhs", "DHS", "Department of Homeland Security", [
        ("fema", "FEMA", "Federal Emergency Management Agency"),
        ("tsa", "TSA", "Transportation Security Administration"),
        ("cbp", "CBP", "U.S. Customs and Border Protection"),
        ("ice", "ICE", "U.S. Immigration and Customs Enforcement"),
        ("cisa", "CISA", "Cybersecurity and Infrastructure Security Agency"),
    ]),
    ("hhs", "HHS", "Department of Health and Human Services", [
        ("cdc", "CDC", "Centers for Disease Control and Prevention"),
        ("fda", "FDA", "Food and Drug Administration"),
        ("nih", "NIH", "National Institutes of Health"),
        ("cms", "CMS", "Centers for Medicare & Medicaid Services"),
        ("samhsa", "SAMHSA",
         "Substance Abuse and Mental Health Services Administration"),
    ]),
    ("ed", "ED", "Department of Education", [
        ("ocr", "OCR", "Office for Civil Rights"),
    ]),
    ("dot", "DOT", "Department of Transportation", [
        ("faa", "FAA", "Federal Aviation Administration"),
        ("fhwa", "FHWA", "Federal Highway Administration"),
    ]),
    ("epa", "EPA", "Environmental Protection Agency", []),
    ("usda", "USDA", "Department of Agriculture", [
        ("fs", "FS", "Forest Service"),
    ]),
    ("doe", "DOE", "Department of Energy", []),
    ("hud", "HUD", "Department of Housing and Urban Development", []),
    ("dol", "DOL", "Department of Labor", [
        ("osha", "OSHA", "Occupational Safety and Health Administration"),
    ]),
    ("va", "VA", "Department of Veterans Affairs", []),
    ("treasury", "Treasury", "Department of the Treasury", [
        ("irs", "IRS", "Internal Revenue Service"),
    ]),
    ("dod", "DoD", "Department of Defense", []),
    ("commerce", "Commerce", "Department of Commerce", [
        ("noaa", "NOAA", "National Oceanic and Atmospheric Administration"),
    ]),
]  # fmt: skip
OTHER_PARTIES = [
    ("states", "", "State governments", Agency.Level.STATE),
    ("local-law-enforcement", "", "Local law enforcement", Agency.Level.LOCAL),
    ("school-safety-commission", "", "Federal Commission on School Safety",
     Agency.Level.OTHER),
    ("nics-agencies", "", "Federal agencies that submit records to NICS",
     Agency.Level.FEDERAL),
]  # fmt: skip
TOPICS = [
    "School safety", "Background checks", "Prosecutions", "Regulation",
    "Immigration", "Public health", "Infrastructure", "Energy", "Veterans",
    "Education", "Housing", "Trade", "Cybersecurity", "Opioids", "Disaster relief",
]  # fmt: skip
VERBS = [
    "certify", "review", "publish", "fund", "expand", "establish", "report on",
    "train staff on", "audit", "update", "prioritize", "issue guidance on",
    "hire staff for", "evaluate", "propose a rule on", "modernize",
]  # fmt: skip
OBJECTS = [
    "record reporting to the background check system", "school safety grants",
    "tip line procedures", "the background check backlog", "bump stock regulation",
    "opioid trafficking prosecutions", "cybersecurity standards for agencies",
    "port of entry inspections", "rural broadband deployment",
    "the disability claims backlog", "emergency shelter capacity",
    "lead pipe replacement", "mental health services in schools",
    "grid resilience", "apprenticeship programs", "drug price transparency",
    "wildfire prevention", "airport screening equipment",
    "the violent crime reduction task force", "data sharing with states",
]  # fmt: skip
DAY_COUNTS = [
    (0, "immediately"), (30, "within 30 days"), (45, "over the next 45 days"),
    (60, "within 60 days"), (90, "within 90 days"), (120, "within 120 days"),
    (180, "within six months"), (365, "within a year"),
]  # fmt: skip
PROGRESS = {
    Status.IN_PROGRESS: [
        "announced funding for", "began a review of", "proposed a rule on",
        "assigned staff to", "opened public comment on",
    ],
    Status.STALLED: [
        "reported no movement on", "missed a milestone for",
        "saw a court order block",
    ],
    Status.PARTIALLY_FULFILLED: [
        "completed part of", "delivered a reduced version of",
    ],
    Status.FULFILLED: ["completed", "published the final report on"],
    Status.BROKEN: ["abandoned", "withdrew", "let the deadline pass on"],
}  # fmt: skip
# How an assessment tends to move from one update to the next.
TRANSITIONS = {
    None: [(Status.IN_PROGRESS, 80), (Status.STALLED, 15), (Status.BROKEN, 5)],
    Status.IN_PROGRESS: [
        (Status.IN_PROGRESS, 60), (Status.STALLED, 14),
        (Status.PARTIALLY_FULFILLED, 10), (Status.FULFILLED, 11),
        (Status.BROKEN, 5),
    ],
    Status.STALLED: [
        (Status.IN_PROGRESS, 40), (Status.STALLED, 40), (Status.BROKEN, 20),
    ],
    Status.PARTIALLY_FULFILLED: [
        (Status.IN_PROGRESS, 30), (Status.PARTIALLY_FULFILLED, 40),
        (Status.FULFILLED, 30),
    ],
    Status.FULFILLED: [(Status.FULFILLED, 85), (Status.BROKEN, 15)],
    Status.BROKEN: [(Status.BROKEN, 80), (Status.IN_PROGRESS, 20)],
}  # fmt: skip
FIRST_ANNOUNCEMENT = datetime.date(2017, 1, 20)
UNRATED_SHARE = 0.1  # commitments nobody has assessed yet
AUTHORS = 20


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class Batch:
    """The rows of a run of whole announcements, as dicts keyed by attname."""

    announcements: list = field(default_factory=list)
    commitments: list = field(default_factory=list)
    supporting: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    deadline_changes: list = field(default_factory=list)


class Generator:
    """Builds rows deterministically from a seed. Ids are assigned here, so parents
    and foreign keys are known without a round trip."""

    def __init__(self, seed, agencies, topics, authors, now):
        self.rng = random.Random(seed)
        # [(id, slug, name, is_department)], the most prominent first.
        self.agencies = agencies
        self.departments = [a for a in agencies if a[3]]
        # A few agencies lead most commitments, as in real trackers.
        self.agency_weights = list(
            itertools.accumulate(1 / (rank + 1) for rank in range(len(agencies)))
        )
        self.topics = topics
        self.authors = authors
        self.now = now
        self.today = timezone.localdate(now)
        self.next_id = {
            model: (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1
            for model in (
                Announcement,
                Commitment,
                Commitment.supporting_agencies.through,
                ProgressUpdate,
                DeadlineChange,
            )
        }

    def take_id(self, model):
        value = self.next_id[model]
        self.next_id[model] += 1
        return value

    def agency(self):
        position = self.rng.random() * self.agency_weights[-1]
        return self.agencies[bisect.bisect(self.agency_weights, position)]

    def moment(self, day, earliest=None):
        """A time on that day (UTC), never in the future and not before earliest."""
        value = datetime.datetime.combine(
            day, datetime.time(8), tzinfo=datetime.UTC
        ) + datetime.timedelta(seconds=self.rng.randrange(10 * 3600))
        if earliest is not None and value <= earliest:
            value = earliest + datetime.timedelta(seconds=self.rng.randrange(1, 600))
        return min(
            value, self.now - datetime.timedelta(seconds=self.rng.randrange(1, 600))
        )

    def batches(self, commitments, updates, announcements, batch_size):
        """Yield Batches of whole announcements holding about batch_size
        commitments each, until `commitments` and `updates` rows are made."""
        if commitments < announcements:
            raise CommandError("Need at least one commitment per announcement.")
        cuts = sorted(self.rng.sample(range(1, commitments), announcements - 1))
        sizes = [b - a for a, b in itertools.pairwise([0, *cuts, commitments])]
        # Most commitments get several updates; some none yet (not rated).
        rated = [i for i in range(commitments) if self.rng.random() >= UNRATED_SHARE]
        counts = [0] * commitments
        if rated:
            for _ in range(updates):
                counts[rated[self.rng.randrange(len(rated))]] += 1
        last_day = self.today - datetime.timedelta(days=30)
        span = (last_day - FIRST_ANNOUNCEMENT).days
        batch, index = Batch(), 0
        for size in sizes:
            announced_on = FIRST_ANNOUNCEMENT + datetime.timedelta(
                days=self.rng.randrange(span)
            )
            self.add_announcement(batch, announced_on, counts[index : index + size])
            index += size
            if len(batch.commitments) >= batch_size:
                yield batch
                batch = Batch()
        if batch.commitments:
            yield batch

    def add_announcement(self, batch, announced_on, update_counts):
        rng = self.rng
        # Most announcements come from the big departments.
        issuers = self.departments[:8] if rng.random() < 0.8 else self.departments
        issuer = rng.choice(issuers)
        announcement_id = self.take_id(Announcement)
        sentences, parents = [], []
        for position, update_count in enumerate(update_counts):
            commitment, sentence = self.commitment(
                announcement_id, announced_on, position, parents
            )
            if commitment["due_date"] != commitment["original_due_date"]:
                self.add_deadline_change(batch, commitment, announced_on)
            sentences.append(sentence)
            if commitment["parent_id"] is None:
                parents.append(commitment["id"])
            self.add_supporting(batch, commitment)
            self.add_timeline(batch, commitment, announced_on, update_count)
            batch.commitments.append(commitment)
        batch.announcements.append(
            {
                "id": announcement_id,
                "slug": f"{issuer[1]}-{announced_on:%Y-%m-%d}-{announcement_id}",
                "title": f"{issuer[2]} announces {len(sentences)} actions "
                f"({announced_on:%B %-d, %Y})",
                "issuer_id": issuer[0],
                "announced_on": announced_on,
                "source_url": f"https://www.{issuer[1]}.gov/news/{announcement_id}",
                # The text is the release's own: no other source to name.
                "text_source_url": "",
                "text_source_note": "",
                "summary": f"The {issuer[2]} set out {len(sentences)} commitments.",
                "body": f"WASHINGTON - The {issuer[2]} today announced the "
                "following steps.\n\n" + "\n\n".join(sentences),
            }
        )

    def commitment(self, announcement_id, announced_on, position, parents):
        rng = self.rng
        lead = self.agency()
        verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
        title = f"{verb.capitalize()} {obj}"
        kind_roll = rng.random()
        due_in_days = due_date = None
        deadline_text = ""
        version = 1
        if kind_roll < 0.55:
            kind = Commitment.Kind.TIME_BOUND
            if rng.random() < 0.7:
                due_in_days, deadline_text = rng.choice(DAY_COUNTS)
                due_date = announced_on + datetime.timedelta(days=due_in_days)
            else:
                due_date = announced_on + datetime.timedelta(
                    days=rng.randrange(30, 900)
                )
                deadline_text = f"by {due_date:%B %-d, %Y}"
            sentence = f"The {lead[2]} will {verb} {obj} {deadline_text}."
        elif kind_roll < 0.8:
            kind = Commitment.Kind.ONGOING
            sentence = f"The {lead[2]} will continue to {verb} {obj}."
        else:
            kind = Commitment.Kind.OPEN_ENDED
            sentence = f"The {lead[2]} will {verb} {obj}."
        original_due_date = due_date
        if due_date is not None and rng.random() < 0.05:
            # The deadline was moved once: an explicit date replaces the day count
            # (one more save), and original_due_date keeps the first one.
            due_in_days = None
            due_date += datetime.timedelta(days=rng.randrange(30, 365))
            version += 1
        commitment_id = self.take_id(Commitment)
        created_at = self.moment(announced_on)
        return {
            "id": commitment_id,
            "announcement_id": announcement_id,
            "slug": f"{slugify(title)[:40]}-{position + 1}",
            "title": title,
            "description": f"{sentence} The commitment covers every office of the "
            f"{lead[2]} and is tracked against the text of the announcement.",
            "source_quote": sentence,
            "lead_agency_id": lead[0],
            "topic_id": rng.choice(self.topics),
            "kind": kind,
            "deadline_text": deadline_text,
            "due_in_days": due_in_days,
            "due_date": due_date,
            "original_due_date": original_due_date,
            "status": Status.NOT_RATED,
            "final_assessed_on": None,
            "parent_id": rng.choice(parents)
            if parents and rng.random() < 0.08
            else None,
            "created_at": created_at,
            "updated_at": created_at,
            "version": version,
            "last_checked_on": None,
            "status_confirmed_on": None,
        }, sentence

    def add_deadline_change(self, batch, commitment, announced_on):
        """The record Commitment.save() writes when the deadline moves."""
        span = (self.today - announced_on).days + 1
        changed_on = announced_on + datetime.timedelta(days=self.rng.randrange(span))
        created_at = self.moment(changed_on, earliest=commitment["created_at"])
        batch.deadline_changes.append(
            {
                "id": self.take_id(DeadlineChange),
                "commitment_id": commitment["id"],
                "changed_on": changed_on,
                "old_due_date": commitment["original_due_date"],
                "new_due_date": commitment["due_date"],
                "reason": "The agency announced a new date.",
                "author_id": self.rng.choice(self.authors),
                "created_at": created_at,
            }
        )
        commitment["updated_at"] = created_at

    def add_supporting(self, batch, commitment):
        count = weighted(self.rng, [(0, 50), (1, 30), (2, 15), (3, 5)])
        chosen = {self.agency()[0] for _ in range(count)}
        chosen.discard(commitment["lead_agency_id"])
        for agency_id in sorted(chosen):
            batch.supporting.append(
                {
                    "id": self.take_id(Commitment.supporting_agencies.through),
                    "commitment_id": commitment["id"],
                    "agency_id": agency_id,
                }
            )

    def add_timeline(self, batch, commitment, announced_on, count):
        """Add `count` progress updates and set the commitment's derived fields as
        ProgressUpdate.save() would have, applying the updates in the order they
        were entered."""
        rng = self.rng
        span = (self.today - announced_on).days + 1
        days = sorted(
            announced_on + datetime.timedelta(days=rng.randrange(span))
            for _ in range(count)
        )
        timeline, status = [], None
        for day in days:
            status = weighted(rng, TRANSITIONS[status])
            # Most updates are entered within days; some weeks or months late.
            lag = (
                rng.randrange(0, 10) if rng.random() < 0.95 else rng.randrange(30, 200)
            )
            entered = self.moment(
                day + datetime.timedelta(days=lag), earliest=commitment["created_at"]
            )
            timeline.append((entered, day, status))
        timeline.sort()
        latest = None
        for created_at, reported_on, status in timeline:
            update = {
                "id": self.take_id(ProgressUpdate),
                "commitment_id": commitment["id"],
                "reported_on": reported_on,
                "status": status,
                "summary": f"The agency {rng.choice(PROGRESS[status])} the work "
                f"to {commitment['title'].lower()}, according to its report of "
                f"{reported_on:%B %-d, %Y}.",
                "source_url": f"https://www.example.gov/progress/{commitment['id']}"
                f"/{reported_on:%Y%m%d}"
                if status in Status.final() or rng.random() < 0.7
                else "",
                "author_id": rng.choice(self.authors),
                "created_at": created_at,
                "idempotency_key": None,
                "request_fingerprint": "",
                "retracted_at": None,
                "retraction_reason": "",
                "retracted_by_id": None,
                "version": 1,
            }
            batch.updates.append(update)
            if latest is None or (reported_on, created_at) >= (
                latest["reported_on"],
                latest["created_at"],
            ):
                latest = update
            final_on = (
                latest["reported_on"] if latest["status"] in Status.final() else None
            )
            if (latest["status"], final_on) != (
                commitment["status"],
                commitment["final_assessed_on"],
            ):
                commitment["status"] = latest["status"]
                commitment["final_assessed_on"] = final_on
                commitment["version"] += 1
                commitment["updated_at"] = created_at


LOADED_MODELS = [
    Announcement,
    Commitment,
    Commitment.supporting_agencies.through,
    ProgressUpdate,
    DeadlineChange,
]


def record_creations(batch_size):
    """Give every announcement, commitment and progress update without a history
    record its creation record, in bulk: the audit history covers generated rows
    too (simple_history's post_save never sees bulk writes)."""
    for model in (Announcement, Commitment, ProgressUpdate):
        recorded = model.history.filter(id=models.OuterRef("pk"))
        missing = model.objects.filter(~models.Exists(recorded)).order_by("pk")
        rows = missing.iterator(chunk_size=batch_size)
        while chunk := list(itertools.islice(rows, batch_size)):
            model.history.bulk_history_create(
                chunk,
                batch_size=batch_size,
                default_change_reason="Generated in bulk by generate_data.",
            )


def batch_rows(batch):
    return [
        (Announcement, batch.announcements),
        (Commitment, batch.commitments),
        (Commitment.supporting_agencies.through, batch.supporting),
        (ProgressUpdate, batch.updates),
        (DeadlineChange, batch.deadline_changes),
    ]


@contextmanager
def stored_timestamps():
    """Let bulk_create store the generated created_at/updated_at: auto_now and
    auto_now_add would otherwise overwrite them with the time of the load."""
    fields = [f for f in Commitment._meta.concrete_fields if hasattr(f, "auto_now")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def load_bulk(batch, batch_size):
    with stored_timestamps():
        for model, rows in batch_rows(batch):
            model.objects.bulk_create(
                [model(**row) for row in rows], batch_size=batch_size
            )


def copy_value(value):
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)


def load_copy(batch):
    with connection.cursor() as cursor:
        for model, rows in batch_rows(batch):
            if not rows:
                continue
            fields = model._meta.concrete_fields
            text = io.StringIO()
            for row in rows:
                text.write("\t".join(copy_value(row[f.attname]) for f in fields))
                text.write("\n")
            text.seek(0)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            cursor.copy_expert(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} "
                f"({columns}) FROM STDIN",
                text,
            )


class Command(BaseCommand):
    help = (
        "Generate announcements, commitments and progress updates in bulk, with "
        "derived fields consistent, and report how long the load took."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=int, default=1000)
        parser.add_argument(
            "--updates",
            type=int,
            default=None,
            help="Progress updates in all (default: 10 per commitment).",
        )
        parser.add_argument(
            "--announcements",
            type=int,
            default=None,
            help="Default: one per 20 commitments.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--method",
            choices=["bulk", "copy"],
            default="bulk",
            help="bulk: bulk_create in batches (any database); copy: PostgreSQL COPY.",
        )
        parser.add_argument(
            "--compare",
            action="store_true",
            help="PostgreSQL: also time the other method on the same rows (in a "
            "savepoint rolled back), then VACUUM FULL the tables.",
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the audit history's creation records for the generated rows.",
        )

    def handle(self, *args, **options):
        n = options["commitments"]
        updates = options["updates"] if options["updates"] is not None else 10 * n
        announcements = options["announcements"] or max(1, n // 20)
        method, compare = options["method"], options["compare"]
        postgres = connection.vendor == "postgresql"
        if n < 1 or updates < 0:
            raise CommandError(
                "--commitments must be positive, --updates not negative."
            )
        if (method == "copy" or compare) and not postgres:
            raise CommandError("COPY (--method copy, --compare) needs PostgreSQL.")

        generator = Generator(
            options["seed"], *self.reference_rows(), now=timezone.now()
        )
        other = "bulk" if method == "copy" else "copy"
        timings = {"generate": 0.0, method: 0.0, other: 0.0}
        totals = dict.fromkeys(LOADED_MODELS, 0)
        started = time.perf_counter()
        batches = generator.batches(n, updates, announcements, options["batch_size"])
        while True:
            clock = time.perf_counter()
            batch = next(batches, None)
            timings["generate"] += time.perf_counter() - clock
            if batch is None:
                break
            with transaction.atomic():
                if postgres:
                    # Check foreign keys as rows go in, so the timings include them.
                    connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
                if compare:
                    savepoint = transaction.savepoint()
                    timings[other] += self.load(other, batch, options["batch_size"])
                    transaction.savepoint_rollback(savepoint)
                timings[method] += self.load(method, batch, options["batch_size"])
            for model, rows in batch_rows(batch):
                totals[model] += len(rows)

        clock = time.perf_counter()
        if not options["no_history"]:
            record_creations(options["batch_size"])
        timings["history"] = time.perf_counter() - clock

        clock = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), LOADED_MODELS):
                cursor.execute(sql)
            if postgres and not connection.in_atomic_block:
                # Planner statistics for the new rows; FULL also drops the dead rows
                # the compared load left behind.
                vacuum = "VACUUM (FULL, ANALYZE)" if compare else "VACUUM (ANALYZE)"
                for model in LOADED_MODELS:
                    cursor.execute(f"{vacuum} {model._meta.db_table}")
        timings["finish"] = time.perf_counter() - clock
        self.report(totals, timings, method, other if compare else None, started)

    def reference_rows(self):
        """Agencies (with parents), topics and authors, created if missing."""
        agencies = []
        for slug, abbreviation, name, children in DEPARTMENTS:
            parent, _ = Agency.objects.get_or_create(
                slug=slug, defaults={"abbreviation": abbreviation, "name": name}
            )
            agencies.append((parent.pk, slug, parent.name, True))
            for child_slug, child_abbreviation, child_name in children:
                child, _ = Agency.objects.get_or_create(
                    slug=child_slug,
                    defaults={
                        "abbreviation": child_abbreviation,
                        "name": child_name,
                        "parent": parent,
                    },
                )
                agencies.append((child.pk, child_slug, child.name, False))
        for slug, abbreviation, name, level in OTHER_PARTIES:
            agency, _ = Agency.objects.get_or_create(
                slug=slug,
                defaults={"abbreviation": abbreviation, "name": name, "level": level},
            )
            agencies.append((agency.pk, slug, agency.name, False))
        topics = [
            Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})[
                0
            ].pk
            for name in TOPICS
        ]
        User = get_user_model()
        authors = []
        for number in range(1, AUTHORS + 1):
            author, created = User.objects.get_or_create(
                username=f"generated-editor-{number}"
            )
            if created:
                author.set_unusable_password()
                author.save()
            authors.append(author.pk)
        return agencies, topics, authors

    def load(self, method, batch, batch_size):
        clock = time.perf_counter()
        if method == "copy":
            load_copy(batch)
        else:
            load_bulk(batch, batch_size)
        return time.perf_counter() - clock

    def report(self, totals, timings, method, other, started):
        rows = sum(totals.values())
        for model, count in totals.items():
            self.stdout.write(f"{model._meta.db_table:44} {count:>10,} rows")
        names = {"bulk": "bulk_create", "copy": "COPY"}

        def line(label, seconds, extra=""):
            self.stdout.write(f"{label:44} {seconds:10.1f} s{extra}")

        def speed(seconds):
            return f"  ({rows / max(seconds, 1e-9):,.0f} rows/s)"

        line("generating the rows in Python", timings["generate"])
        line(
            f"loading them by {names[method]}", timings[method], speed(timings[method])
        )
        if other:
            line(
                f"the same rows by {names[other]} (rolled back)",
                timings[other],
                speed(timings[other]),
            )
            ratio = timings["bulk"] / max(timings["copy"], 1e-9)
            self.stdout.write(
                f"{'bulk_create takes, relative to COPY':44} {ratio:10.1f} x"
            )
        line("history records of the new rows", timings["history"])
        line("sequences, VACUUM, ANALYZE", timings["finish"])
        line("total", time.perf_counter() - started)
