import pytest


def test_healthz_answers_ok_when_the_database_answers(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(1):  # SELECT 1
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(
    client, unreachable_database
):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert response["Retry-After"] == "5"


def test_healthz_accepts_head(client, db):
    response = client.head("/healthz")

    assert response.status_code == 200


def test_healthz_refuses_post(client, db):
    response = client.post("/healthz")

    assert response.status_code == 405


@pytest.mark.parametrize("host", ["web-2:8000", "web-1", "127.0.0.1"])
def test_healthz_answers_any_host_over_plain_http(client, db, settings, host):
    # Load balancers probe each replica by address; production serves only its
    # own host name, over HTTPS.
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", headers={"host": host})

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_other_paths_keep_the_host_check_and_https_redirect(client, db, settings):
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    wrong_host = client.get("/admin/login/", headers={"host": "web-2"})
    plain_http = client.get("/admin/login/", headers={"host": "tracker.example.org"})

    assert wrong_host.status_code == 400
    assert plain_http.status_code == 301
    assert plain_http["Location"] == "https://tracker.example.org/admin/login/"
