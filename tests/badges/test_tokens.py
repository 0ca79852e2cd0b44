"""Badge tokens: compact, signed, refused for every reason a desk must tell apart."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from confreg.badges import issue_token, verify_token
from confreg.badges.qr import qr_drawing, qr_version
from confreg.badges.service import public_key_document, reissue_badge
from confreg.badges.tokens import (
    TOKEN_LENGTH,
    BadgeClaim,
    TokenRefused,
    open_token,
    sign_badge,
)
from confreg.extensions import db
from confreg.registration import service
from confreg.registration.models import Registration, new_public_id
from tests.conftest import make_event, make_staff, register

KEY = Ed25519PrivateKey.generate()
CLAIM = BadgeClaim("0a1b2c3d", new_public_id(), 3)


def test_token_opens_to_the_claim_it_was_signed_with():
    token = sign_badge(KEY, CLAIM)
    assert open_token(token, "0a1b2c3d", KEY.public_key()) == CLAIM


def test_token_is_short_upper_case_base32_and_holds_no_personal_data():
    token = sign_badge(KEY, CLAIM)
    assert len(token) == TOKEN_LENGTH == 133
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    # Alphanumeric QR mode keeps the code at version 6 (41 modules), level M.
    assert qr_version(qr_drawing(token)) == 6


def test_scanners_that_add_spaces_or_lower_case_still_read_the_token():
    token = sign_badge(KEY, CLAIM)
    assert open_token(f"  {token.lower()}\n", "0a1b2c3d", KEY.public_key()) == CLAIM


@pytest.mark.parametrize("position", [0, 10, 40, 132])
def test_a_changed_character_breaks_the_signature_or_the_format(position):
    token = sign_badge(KEY, CLAIM)
    changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    with pytest.raises(TokenRefused) as refused:
        open_token(changed, "0a1b2c3d", KEY.public_key())
    assert refused.value.code in {"bad_signature", "malformed", "wrong_event"}


def test_a_token_signed_by_another_key_with_the_same_id_is_refused():
    forged = sign_badge(Ed25519PrivateKey.generate(), CLAIM)
    with pytest.raises(TokenRefused, match="bad_signature"):
        open_token(forged, "0a1b2c3d", KEY.public_key())


@pytest.mark.parametrize(
    "token",
    ["", " ", "A" * 132, "A" * 134, "A" * 10_000, "é" * 133, "0" * 133, "\x00" * 133, "ABC=DEF"],
    ids=["empty", "blank", "truncated", "one-too-long", "oversized", "non-ascii", "not-base32",
         "binary", "padding"],
)  # fmt: skip
def test_malformed_tokens_are_refused_as_malformed(token):
    with pytest.raises(TokenRefused, match="malformed"):
        open_token(token, "0a1b2c3d", KEY.public_key())


def test_a_token_of_an_unknown_version_is_malformed():
    raw = bytearray(base64.b32decode(sign_badge(KEY, CLAIM) + "==="))
    raw[0] = 2
    token = base64.b32encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(TokenRefused, match="malformed"):
        open_token(token, "0a1b2c3d", KEY.public_key())


def test_no_badge_has_a_second_spelling():
    token = sign_badge(KEY, CLAIM)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for other in alphabet.replace(token[-1], ""):
        with pytest.raises(TokenRefused):
            open_token(token[:-1] + other, "0a1b2c3d", KEY.public_key())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=120).map(lambda b: b.decode("latin-1")))
def test_any_text_is_judged_without_an_unexpected_error(token):
    try:
        open_token(token, "0a1b2c3d", KEY.public_key())
    except TokenRefused as refused:
        assert refused.code in {"malformed", "wrong_event", "bad_signature"}


# --- at an event -------------------------------------------------------------------


def _registration(client, event, **details) -> Registration:
    register(client, event, **details)
    email = details.get("email", "a.karpouchtsis@serres.example")
    return db.session.scalars(select(Registration).where(Registration.email == email)).one()


def test_a_confirmed_delegates_badge_is_accepted(client, event):
    registration = _registration(client, event)
    check = verify_token(event, issue_token(registration))
    assert check.accepted
    assert check.registration.id == registration.id


def test_the_same_badge_always_gets_the_same_token(client, event):
    registration = _registration(client, event)
    assert issue_token(registration) == issue_token(registration) == registration.badge_token


def test_another_events_badge_is_refused_as_wrong_event(client, event):
    registration = _registration(client, event)
    other = make_event(slug="other-event")
    assert verify_token(other, issue_token(registration)).refusal == "wrong_event"


def test_a_reissued_badge_refuses_the_old_one(client, event):
    registration = _registration(client, event)
    old = issue_token(registration)
    reissue_badge(registration, make_staff(event, "organiser"))
    assert registration.badge_revision == 2
    assert verify_token(event, old).refusal == "revoked"
    assert verify_token(event, issue_token(registration)).accepted


def test_a_cancelled_delegates_badge_is_refused(client, event):
    registration = _registration(client, event)
    token = issue_token(registration)
    service.cancel(registration)
    check = verify_token(event, token)
    assert (check.refusal, check.registration.id) == ("cancelled", registration.id)


def test_a_badge_awaiting_approval_is_not_confirmed(client, app):
    event = make_event(requires_approval=True)
    registration = _registration(client, event)
    assert verify_token(event, issue_token(registration)).refusal == "not_confirmed"


def test_a_tampered_token_at_an_event_is_refused(client, event):
    token = issue_token(_registration(client, event))
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert verify_token(event, tampered).refusal in {"bad_signature", "malformed"}
    assert verify_token(event, "").refusal == "malformed"


def test_the_published_key_verifies_tokens_offline(client, event):
    registration = _registration(client, event)
    token = issue_token(registration)
    published = client.get(f"/api/v1/events/{event.slug}/public-key").get_json()
    assert published == public_key_document(event)
    assert "private" not in str(published).lower()
    raw = base64.urlsafe_b64decode(published["public_key"] + "=")
    claim = open_token(token, published["key_id"], Ed25519PublicKey.from_public_bytes(raw))
    assert (claim.public_id, claim.revision) == (registration.public_id, 1)


def test_the_public_key_of_an_unknown_event_is_not_found(client, app):
    assert client.get("/api/v1/events/nothing-here/public-key").status_code == 404
