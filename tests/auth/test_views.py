"""Staff log-in: hashed passwords, clear refusals, safe redirects."""

from sqlalchemy import select

from confreg.auth.models import StaffUser
from confreg.extensions import db
from tests.conftest import STAFF_PASSWORD, form_fields, log_in, make_staff


def test_password_is_stored_hashed(app, event):
    make_staff(event, "organiser")
    user = db.session.scalars(select(StaffUser)).one()
    assert STAFF_PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_organiser_logs_in_and_sees_their_events(client, event):
    make_staff(event, "organiser")
    response = log_in(client, "Organiser@Staff.example")
    assert response.status_code == 302
    page = client.get("/staff/").get_data(as_text=True)
    assert "Learning Cities Test Conference" in page
    assert f"/organiser/{event.slug}/" in page


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, event):
    make_staff(event, "organiser")
    for email, password in (
        ("organiser@staff.example", "wrong password"),
        ("nobody@staff.example", STAFF_PASSWORD),
    ):
        response = log_in(client, email, password)
        assert response.status_code == 200
        assert "The e-mail address or the password is not right." in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_disabled_account_cannot_log_in(client, event):
    user = make_staff(event, "organiser")
    user.active = False
    db.session.commit()
    assert log_in(client, "organiser@staff.example").status_code == 200


def test_log_in_returns_to_the_page_asked_for_but_never_to_another_site(client, event):
    make_staff(event, "organiser")
    fields = form_fields(client, "/staff/login")
    data = fields | {"email": "organiser@staff.example", "password": STAFF_PASSWORD}
    inside = client.post(f"/staff/login?next=/organiser/{event.slug}/delegates", data=data)
    assert inside.location == f"/organiser/{event.slug}/delegates"
    client.post("/staff/logout", data={"csrf_token": form_fields(client, "/staff/")["csrf_token"]})
    for outside in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/staff/login?next={outside}", data=form_fields(client, "/staff/login") | data
        )
        assert response.location == "/", outside
        client.post(
            "/staff/logout", data={"csrf_token": form_fields(client, "/staff/")["csrf_token"]}
        )


def test_log_out_ends_the_session(client, event):
    make_staff(event, "organiser")
    log_in(client, "organiser@staff.example")
    token = form_fields(client, "/staff/")["csrf_token"]
    client.post("/staff/logout", data={"csrf_token": token})
    assert client.get("/staff/").status_code == 302
