"""A small version of the 2018 DOJ announcement for the public-site tests: real
sentences, quotes that wrap across lines, a deadline met late, one overdue, a
sub-commitment, an agency below another, a supporting agency."""

import datetime

from commitments.models import Agency, Commitment, Status
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    TopicFactory,
)

BODY = """Attorney General Jeff Sessions announced on Monday that the Department of \
Justice would begin work to better protect schools.

Sessions also called on all federal agencies who submit records to the National \
Instant Criminal Background Check System to either certify over the next 45 days that \
they are currently reporting all of the criminal and mental health records required \
by law or have a plan to fix their procedures. Similarly, he called on state \
governments to improve reporting of their own disqualifying criminal and mental \
health records.

He ordered an immediate review of the way the department handles violent crime tips \
it receives.

The AG said the department would also fully participate in the Federal Commission on \
School Safety, which is set to be headed by Education Secretary Betsy Devos."""

NICS_QUOTE = """certify over the next 45 days that they are
currently reporting all of the criminal and mental health records required by law or
have a plan to fix their procedures"""


def build_announcement(slug="doj-school-safety-2018-03-12", extra_commitments=0):
    doj = AgencyFactory(slug="doj", abbreviation="DOJ", name="Department of Justice")
    fbi = AgencyFactory(
        slug="fbi",
        abbreviation="FBI",
        name="Federal Bureau of Investigation",
        parent=doj,
    )
    states = AgencyFactory(
        slug="states",
        abbreviation="",
        name="State governments",
        level=Agency.Level.STATE,
    )
    nics_agencies = AgencyFactory(
        slug="nics-submitting-agencies",
        abbreviation="",
        name="Federal agencies that submit records to NICS",
    )
    checks = TopicFactory(slug="background-checks", name="Background checks")
    safety = TopicFactory(slug="school-safety", name="School safety")
    announcement = AnnouncementFactory(
        slug=slug,
        title="DOJ plan on school safety and gun crime",
        issuer=doj,
        body=BODY,
    )
    nics = CommitmentFactory(
        announcement=announcement,
        slug="nics-certification",
        title="Certify NICS record reporting within 45 days",
        source_quote=NICS_QUOTE,
        lead_agency=nics_agencies,
        topic=checks,
        kind=Commitment.Kind.TIME_BOUND,
        deadline_text="over the next 45 days",
        due_in_days=45,
    )
    nics.supporting_agencies.add(doj)
    fbi_certification = CommitmentFactory(
        announcement=announcement,
        parent=nics,
        slug="fbi-nics-certification",
        title="FBI certifies its NICS reporting",
        source_quote="certify over the next 45 days",
        lead_agency=fbi,
        topic=checks,
        kind=Commitment.Kind.TIME_BOUND,
        deadline_text="over the next 45 days",
        due_in_days=45,
    )
    CommitmentFactory(
        announcement=announcement,
        slug="state-reporting",
        title="States improve their reporting of disqualifying records",
        source_quote="called on state governments to improve reporting of their own "
        "disqualifying criminal and mental health records",
        lead_agency=states,
        topic=checks,
    )
    tips = CommitmentFactory(
        announcement=announcement,
        slug="tips-review",
        title="Review how violent crime tips are handled",
        source_quote="an immediate review of the way the department handles violent "
        "crime tips",
        lead_agency=fbi,
        topic=safety,
        kind=Commitment.Kind.TIME_BOUND,
        deadline_text="immediate",
        due_in_days=0,
    )
    CommitmentFactory(
        announcement=announcement,
        slug="commission-participation",
        title="Fully participate in the Federal Commission on School Safety",
        source_quote="fully participate in the Federal Commission on School Safety",
        lead_agency=doj,
        topic=safety,
        kind=Commitment.Kind.ONGOING,
    )
    for number in range(extra_commitments):
        CommitmentFactory(
            announcement=announcement,
            slug=f"extra-{number}",
            title=f"Extra commitment {number}",
            source_quote="better protect schools",
            lead_agency=doj,
            topic=safety,
        )
    ProgressUpdateFactory(
        commitment=nics,
        author=None,
        reported_on=datetime.date(2018, 4, 20),
        status=Status.IN_PROGRESS,
        summary="Twelve agencies have certified so far.",
        source_url="https://www.justice.gov/opa/nics-certifications",
    )
    ProgressUpdateFactory(
        commitment=nics,
        author=None,
        reported_on=datetime.date(2018, 6, 1),
        status=Status.FULFILLED,
        summary="Every submitting agency has certified or filed a plan.",
        source_url="https://www.justice.gov/opa/nics-report",
    )
    ProgressUpdateFactory(
        commitment=tips,
        author=None,
        reported_on=datetime.date(2018, 3, 20),
        status=Status.IN_PROGRESS,
        summary="The review has begun.",
        source_url="",
    )
    nics.refresh_from_db()
    fbi_certification.refresh_from_db()
    tips.refresh_from_db()
    return announcement
