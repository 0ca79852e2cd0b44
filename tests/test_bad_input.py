"""Whatever arrives, the answer is a page that says what is wrong, never a server error,
and what was stored stays as it was."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from confreg.extensions import db
from confreg.registration.models import Registration
from tests.conftest import delegate_details, form_fields, register

FIELDS = [
    *delegate_details(),
    "needs_visa_letter",
    "passport_name",
    "nationality",
    "passport_number",
    "date_of_birth",
]
nasty_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=string.printable + "\x00\x1b\u202e\u200c\ufeffİıΣς", max_size=50),
    st.sampled_from(["", " ", "0", "-1", "9" * 40, "None", "<script>", "%s%(x)s", "../.."]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=st.dictionaries(st.sampled_from(FIELDS), nasty_text, max_size=6))
def test_registration_form_answers_any_input_without_a_server_error(client, event, values):
    before = db.session.scalar(select(func.count()).select_from(Registration))
    response = register(client, event, **values)
    assert response.status_code in (200, 303)
    after = db.session.scalar(select(func.count()).select_from(Registration))
    assert after - before <= 1
    if response.status_code == 200:
        assert after == before
        assert 'class="error-summary"' in response.get_data(as_text=True)


def test_over_long_request_is_refused_politely(client, event):
    url = f"/e/{event.slug}/register"
    response = client.post(url, data=form_fields(client, url) | {"given_name": "x" * 300_000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_bytes_that_are_not_utf8_are_refused_or_ignored(client, event):
    url = f"/e/{event.slug}/register"
    body = "&".join(f"{k}={v}" for k, v in form_fields(client, url).items()).encode()
    response = client.post(
        url,
        data=body + b"&given_name=%FF%FE&email=a%C0%AF@x.org",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_garbage_in_query_strings_and_urls(client, event, app):
    from tests.conftest import log_in, make_staff

    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    for url in (
        f"/organiser/{event.slug}/delegates?page=abc&status=%00&q=%FF",
        f"/organiser/{event.slug}/delegates?page=-5",
        f"/organiser/{event.slug}/delegates?q=" + "x" * 5000,
        f"/e/{event.slug}/manage/" + "A" * 3000,
        f"/e/{event.slug}/manage/%00",
        "/e/%FF/",
    ):
        assert client.get(url).status_code in (200, 404), url
    assert register(client, event).status_code == 303  # stored data still fine
