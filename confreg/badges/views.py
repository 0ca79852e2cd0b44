"""Delegates' documents (badge, photo, visa letter, certificate), the public letter
check, and the event's public key for scanners."""

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from confreg.badges import letters, photos, service
from confreg.badges.forms import PhotoForm
from confreg.events.service import event_or_404
from confreg.extensions import csrf, db
from confreg.registration.views import with_manage_link

bp = Blueprint("badges", __name__, url_prefix="/e/<slug>")
api = Blueprint("badges_api", __name__, url_prefix="/api/v1/events/<slug>")

PHOTO_REFUSALS = {
    "not_image": _l("This file is not a JPEG or PNG picture. Choose a photo in one of those."),
    "too_large": _l("This photo is larger than 5 MB. Choose a smaller one."),
    "too_many_pixels": _l("This picture has too many pixels. Choose an ordinary photo."),
    "too_small": _l("This photo is too small to print. Use one at least 150 pixels wide."),
}


def pdf_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def _back_to_manage(event, token: str) -> Response:
    return redirect(
        url_for("registration.manage", slug=event.slug, token=token) + "#documents", 303
    )


@bp.get("/manage/<token>/badge.pdf")
@with_manage_link
def badge(event, registration, token):
    if registration.status != "confirmed":
        flash(_("Your badge is ready once your registration is confirmed."), "error")
        return _back_to_manage(event, token)
    return pdf_response(service.render_badges(event, [registration]), f"{event.slug}-badge.pdf")


@bp.get("/manage/<token>/visa-letter.pdf")
@with_manage_link
def visa_letter(event, registration, token):
    try:
        body = letters.visa_letter_pdf(registration)
    except letters.DocumentUnavailable:
        flash(_("Your visa letter is not ready yet: the organisers approve each one."), "error")
        return _back_to_manage(event, token)
    return pdf_response(body, f"{event.slug}-visa-letter.pdf")


@bp.get("/manage/<token>/certificate.pdf")
@with_manage_link
def certificate(event, registration, token):
    try:
        body = letters.certificate_pdf(registration)
    except letters.DocumentUnavailable:
        flash(_("The certificate of attendance is ready once you have checked in."), "error")
        return _back_to_manage(event, token)
    return pdf_response(body, f"{event.slug}-certificate.pdf")


# Exempt from the site-wide check, which would read the upload under the small limit
# for forms; PhotoForm checks the CSRF token itself.
@bp.post("/manage/<token>/photo")
@csrf.exempt
@with_manage_link
def upload_photo(event, registration, token):
    request.max_content_length = photos.MAX_UPLOAD_BYTES + 64 * 1024
    form = PhotoForm()
    if registration.status in ("cancelled", "rejected"):
        flash(_("This registration can no longer be changed."), "error")
    elif not form.validate_on_submit():
        for error in (*form.photo.errors, *form.csrf_token.errors):
            flash(str(error), "error")
    else:
        try:
            letters.save_photo(registration, form.photo.data.read(photos.MAX_UPLOAD_BYTES + 1))
        except photos.PhotoRejected as refused:
            flash(PHOTO_REFUSALS[refused.code], "error")
        else:
            flash(_("Your photo is saved."), "success")
    return _back_to_manage(event, token)


@bp.post("/manage/<token>/photo/remove")
@with_manage_link
def remove_photo(event, registration, token):
    letters.remove_photo(registration)
    flash(_("Your photo is removed."), "success")
    return _back_to_manage(event, token)


@bp.get("/manage/<token>/photo.jpg")
@with_manage_link
def photo(event, registration, token):
    stored = letters.photo_of(registration)
    if stored is None:
        return Response(status=404)
    return Response(stored.jpeg, mimetype="image/jpeg", headers={"Cache-Control": "private"})


@bp.get("/letters/verify")
def verify_letter(slug: str):
    event = event_or_404(slug)
    reference = request.args.get("reference", "")
    registration = letters.letter_by_reference(event, reference) if reference else None
    return render_template(
        "badges/verify_letter.html",
        event=event,
        reference=reference[:24],
        registration=registration,
        valid=registration is not None
        and letters.needs_letter(registration)
        and bool(registration.passport_name),  # erased after the retention date
    )


@api.get("/public-key")
def public_key(slug: str):
    event = event_or_404(slug)
    document = service.public_key_document(event)
    db.session.commit()  # the key, when this request made it
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
