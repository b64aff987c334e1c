"""?format=csv on the API's commitment list: every filtered row, not one page."""

import csv
import io

from commitments.exports import COLUMNS
from commitments.models import Status
from tests.factories import AgencyFactory, CommitmentFactory, ProgressUpdateFactory


def read_csv(response):
    text = b"".join(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_exports_every_filtered_commitment_not_one_page(api_client, db):
    fbi = AgencyFactory(slug="fbi", name="Federal Bureau of Investigation")
    for _ in range(3):
        CommitmentFactory(lead_agency=fbi)
    CommitmentFactory()
    in_progress = CommitmentFactory(lead_agency=fbi)
    ProgressUpdateFactory(commitment=in_progress, status=Status.IN_PROGRESS)

    response = api_client.get(
        "/api/v1/commitments/", {"format": "csv", "lead_agency": "fbi", "page_size": 1}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response)
    assert header == COLUMNS
    assert len(rows) == 4
    assert {row[2] for row in rows} == {"Federal Bureau of Investigation"}
    assert sorted(row[6] for row in rows) == ["In progress"] + ["Not yet rated"] * 3


def test_csv_with_a_bad_filter_is_a_json_400(api_client, db):
    response = api_client.get(
        "/api/v1/commitments/", {"format": "csv", "status": "done"}
    )

    assert response.status_code == 400
    assert "status" in response.json()
