"""The check-in API over HTTP: who may use it, what it answers (checked against its own
OpenAPI document), and simultaneous scans of one badge against a real server."""

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from openapi_schema_validator import OAS30Validator
from sqlalchemy import func, select

from confreg.auth.service import create_api_token, revoke_api_tokens
from confreg.badges import issue_token
from confreg.checkin.models import CheckIn
from confreg.checkin.openapi import openapi_document
from confreg.events.models import ProgrammeSession
from confreg.extensions import db
from confreg.registration.models import Registration
from tests.conftest import form_fields, log_in, make_event, make_staff, register


def schema_of(name: str) -> OAS30Validator:
    document = openapi_document()
    return OAS30Validator({"$ref": f"#/components/schemas/{name}", **document})


@pytest.fixture
def desk(app, client, event):
    """(bearer headers of a desk volunteer, a confirmed delegate's badge token)."""
    make_staff(event, "desk", "desk@staff.example")
    _record, token = create_api_token("desk@staff.example", "scanner 1")
    register(client, event)
    registration = db.session.scalars(select(Registration)).one()
    return {"Authorization": f"Bearer {token}"}, issue_token(registration)


def post(client, event, headers, **body):
    body.setdefault("nonce", secrets.token_hex(8))
    return client.post(f"/api/v1/events/{event.slug}/checkins", json=body, headers=headers)


def test_a_scan_answers_in_the_documented_shape(client, event, desk):
    headers, token = desk
    response = post(client, event, headers, token=token, desk="Hall A")
    assert response.status_code == 200
    body = response.get_json()
    schema_of("Answer").validate(body)
    assert body["result"] == "ok"
    assert body["delegate"]["name"] == "Αθανάσιος Καρπουχτσής"
    assert body["delegate"]["latin_name"] == "Athanasios Karpouchtsis"
    again = post(client, event, headers, token=token, desk="Hall B").get_json()
    schema_of("Answer").validate(again)
    assert again["result"] == "already_checked_in"
    assert again["first"]["desk"] == "Hall A"
    assert "Hall A" in again["message"]


def test_the_same_nonce_is_answered_again_without_a_second_record(client, event, desk):
    headers, token = desk
    first = post(client, event, headers, token=token, nonce="n-1").get_json()
    again = post(client, event, headers, token=token, nonce="n-1").get_json()
    assert (again["result"], again["replayed"]) == ("ok", True)
    assert again["checkin"]["id"] == first["checkin"]["id"]
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


@pytest.mark.parametrize(
    "token",
    ["", "A" * 132, "Z" * 10_000, "\u0000\u00ff\ufffe", "🙂" * 50, "../../etc/passwd"],
    ids=["empty", "truncated", "oversized", "binary", "emoji", "path"],
)
def test_hostile_tokens_are_invalid_never_an_error(client, event, desk, token):
    headers, _token = desk
    response = post(client, event, headers, token=token)
    assert response.status_code == 200
    assert response.get_json()["result"] == "invalid"


def test_a_tampered_badge_is_invalid(client, event, desk):
    headers, token = desk
    tampered = token[:50] + ("A" if token[50] != "A" else "B") + token[51:]
    assert post(client, event, headers, token=tampered).get_json()["result"] == "invalid"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"token": 12}, "invalid_token"),
        ({"token": "x", "nonce": ""}, "invalid_nonce"),
        ({"token": "x", "nonce": "n" * 65}, "invalid_nonce"),
        ({"nonce": "n1"}, "invalid_token"),
        ({"token": "x", "registration": "y", "nonce": "n1"}, "invalid_token"),
        ({"token": "x", "scope": "hall"}, "invalid_scope"),
        ({"token": "x", "scope": True}, "invalid_scope"),
        ({"token": "x", "scope": 999999}, "invalid_scope"),
        ({"token": "x", "scanned_at": "yesterday"}, "invalid_scanned_at"),
        ({"token": "x", "scanned_at": "2031-05-06T09:00:00"}, "invalid_scanned_at"),
        ({"token": "x", "desk": "d" * 65}, "invalid_desk"),
        ({"token": "x", "desk": "Hall\u0000A"}, "invalid_desk"),
        ({"token": "x", "nonce": "n\u00001"}, "invalid_nonce"),
    ],
)
def test_unusable_requests_get_a_json_error(client, event, desk, body, code):
    headers, _token = desk
    body = {"nonce": secrets.token_hex(4)} | body
    response = client.post(f"/api/v1/events/{event.slug}/checkins", json=body, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"] == code
    schema_of("Error").validate(response.get_json())
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


@pytest.mark.parametrize("public_id", ["\u0000", "x" * 30, "../etc", ""])
def test_a_search_check_in_with_a_strange_id_is_invalid(client, event, desk, public_id):
    """Found by fuzzing the API: a NUL byte reached PostgreSQL and gave a server error."""
    headers, _token = desk
    answer = post(client, event, headers, registration=public_id).get_json()
    assert answer["result"] == "invalid"


def test_a_body_that_is_not_json_is_refused(client, event, desk):
    headers, _token = desk
    url = f"/api/v1/events/{event.slug}/checkins"
    response = client.post(url, data=b"\xff\xfe garbage", headers=headers)
    assert (response.status_code, response.get_json()["error"]) == (400, "invalid_body")


def test_who_may_use_the_api(client, event, desk):
    headers, token = desk
    url = f"/api/v1/events/{event.slug}/checkins"
    body = {"token": token, "nonce": "x"}
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post(url, json=body, headers={"Authorization": "Basic abc"}).status_code == 401
    # A desk volunteer of another event.
    other = make_event(slug="other")
    make_staff(other, "desk", "other-desk@staff.example")
    _record, other_token = create_api_token("other-desk@staff.example")
    refused = client.post(url, json=body, headers={"Authorization": f"Bearer {other_token}"})
    assert (refused.status_code, refused.get_json()["error"]) == (403, "forbidden")
    # A revoked token.
    assert revoke_api_tokens("desk@staff.example") == 1
    revoked = client.post(url, json=body, headers=headers)
    assert (revoked.status_code, revoked.get_json()["error"]) == (401, "unauthorized")
    assert (
        client.post("/api/v1/events/nothing/checkins", json=body, headers=headers).status_code
        == 404
    )
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_the_desk_page_log_in_works_with_its_csrf_token(client, event, desk):
    _headers, token = desk
    log_in(client, "desk@staff.example")
    url = f"/api/v1/events/{event.slug}/checkins"
    assert client.post(url, json={"token": token, "nonce": "a"}).status_code == 403
    csrf = form_fields(client, f"/desk/{event.slug}/")["csrf_token"]
    response = client.post(url, json={"token": token, "nonce": "b"}, headers={"X-CSRFToken": csrf})
    assert response.get_json()["result"] == "ok"


def test_an_id_larger_than_the_database_holds_is_not_found(client, event, desk):
    """Found by fuzzing the API: such an id overflowed the database driver."""
    headers, _token = desk
    url = f"/api/v1/events/{event.slug}/checkins/{2**63}/undo"
    response = client.post(url, headers=headers)
    assert (response.status_code, response.get_json()["error"]) == (404, "not_found")


def test_undo_over_the_api(client, event, desk):
    headers, token = desk
    first = post(client, event, headers, token=token).get_json()
    url = f"/api/v1/events/{event.slug}/checkins/{first['checkin']['id']}/undo"
    assert client.post(url, headers=headers).status_code == 200
    assert client.post(url, headers=headers).status_code == 409
    assert post(client, event, headers, token=token).get_json()["result"] == "ok"


def test_an_offline_batch_is_merged_earliest_first(client, event, desk):
    headers, token = desk
    online = post(client, event, headers, token=token, desk="online").get_json()
    early = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    later = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    batch = {"scans": [
        {"token": token, "nonce": "off-2", "desk": "offline", "scanned_at": later},
        {"token": token, "nonce": "off-1", "desk": "offline", "scanned_at": early},
        {"token": "garbage", "nonce": "off-3", "desk": "offline", "scanned_at": early},
    ]}  # fmt: skip
    response = client.post(f"/api/v1/events/{event.slug}/checkins/batch", json=batch,
                           headers=headers)  # fmt: skip
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["already_checked_in", "ok", "invalid"]
    for result in results:
        schema_of("Answer").validate(result)
    firsts = db.session.scalars(select(CheckIn).where(CheckIn.result == "ok")).all()
    assert [(c.nonce, c.desk) for c in firsts] == [("off-1", "offline")]
    # Sent again (the connection dropped before the answer came): nothing new.
    again = client.post(f"/api/v1/events/{event.slug}/checkins/batch", json=batch,
                        headers=headers).get_json()["results"]  # fmt: skip
    assert all(result["replayed"] for result in again)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 4
    assert online["result"] == "ok"


def test_a_batch_with_another_events_session_records_nothing(client, event, desk):
    """Found by fuzzing the API: this gave a server error after recording half."""
    headers, token = desk
    now = datetime.now(UTC)
    other_event = make_event(slug="other")
    other_session = ProgrammeSession(event=other_event, title={"en": "X"}, starts_at=now,
                                     ends_at=now)  # fmt: skip
    db.session.add(other_session)
    db.session.commit()
    batch = {"scans": [{"token": token, "nonce": "b-1"},
                       {"token": token, "nonce": "b-2", "scope": other_session.id}]}  # fmt: skip
    url = f"/api/v1/events/{event.slug}/checkins/batch"
    response = client.post(url, json=batch, headers=headers)
    assert (response.status_code, response.get_json()["error"]) == (400, "invalid_scope")
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_snapshot_and_search_give_a_desk_what_it_needs(client, event, desk):
    headers, token = desk
    post(client, event, headers, token=token)
    snapshot = client.get(f"/api/v1/events/{event.slug}/snapshot", headers=headers).get_json()
    (delegate,) = snapshot["registrations"]
    assert delegate["name"] == "Αθανάσιος Καρπουχτσής" and delegate["checked_in_at"]
    published = client.get(f"/api/v1/events/{event.slug}/public-key").get_json()
    assert snapshot["key"] == {k: published[k] for k in ("key_id", "public_key")}
    for query in ("karpouchtsis", "ΚΑΡΠΟΥΧΤΣΗΣ", "Athanasios"):
        url = f"/api/v1/events/{event.slug}/search?q={query}"
        results = client.get(url, headers=headers).get_json()["results"]
        assert [r["public_id"] for r in results] == [delegate["public_id"]], query
        assert results[0]["checked_in_at"]
    assert client.get(f"/api/v1/events/{event.slug}/search?q=x", headers=headers).get_json() == {
        "results": []
    }


def test_the_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.0")
    documented = {path for path in document["paths"]}
    routes = {
        rule.rule.replace("<slug>", "{slug}").replace("<int:checkin_id>", "{checkin_id}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/events/")
    }
    assert routes == documented


# --- simultaneous scans against a real server ---------------------------------------


def test_one_badge_at_twenty_desks_at_once_checks_in_exactly_once(server_url, event, desk):
    headers, token = desk
    url = f"{server_url}/api/v1/events/{event.slug}/checkins"

    def scan(number: int) -> dict:
        body = {"token": token, "nonce": f"desk-{number}", "desk": f"desk {number}"}
        return httpx.post(url, json=body, headers=headers, timeout=30).json()

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(scan, range(20)))
    results = sorted(answer["result"] for answer in answers)
    assert results == ["already_checked_in"] * 19 + ["ok"]
    winner = next(answer for answer in answers if answer["result"] == "ok")
    for answer in answers:
        if answer["result"] == "already_checked_in":
            assert answer["first"]["desk"] == winner["checkin"]["desk"]
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 20


def test_the_same_scan_sent_by_ten_retries_at_once_is_recorded_once(server_url, event, desk):
    headers, token = desk
    url = f"{server_url}/api/v1/events/{event.slug}/checkins"
    body = {"token": token, "nonce": "one-scan", "desk": "A"}
    with ThreadPoolExecutor(10) as pool:
        answers = list(
            pool.map(lambda _: httpx.post(url, json=body, headers=headers).json(), range(10))
        )
    assert {answer["result"] for answer in answers} == {"ok"}
    assert len({answer["checkin"]["id"] for answer in answers}) == 1
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_the_cli_prints_a_token_that_works_until_revoked(app, client, event, desk):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["confreg", "api-token", "desk@staff.example", "--label", "s2"])
    token = result.stdout.strip()
    _headers, badge = desk
    headers = {"Authorization": f"Bearer {token}"}
    assert post(client, event, headers, token=badge).status_code == 200
    runner.invoke(args=["confreg", "api-token", "desk@staff.example", "--revoke"])
    assert post(client, event, headers, token=badge).status_code == 401
    unknown = runner.invoke(args=["confreg", "api-token", "nobody@example.org"])
    assert unknown.exit_code != 0 and "no staff user" in unknown.output
