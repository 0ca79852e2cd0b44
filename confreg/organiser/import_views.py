"""Importing delegate lists: upload, column mapping, preview, import; and invitations."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField
from wtforms.validators import DataRequired, Optional

from confreg.auth.access import event_role_required
from confreg.extensions import csrf
from confreg.organiser import delegate_files, imports
from confreg.organiser.views import bp
from confreg.registration.forms import ChoiceOf, ConfirmForm

#: Problems listed per page of a preview, and valid rows shown as a sample.
PROBLEMS_PER_PAGE = 200
SAMPLE_ROWS = 50


class UploadForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=_l(
            "A CSV file or an Excel workbook (.xlsx), up to %(size)d MB, with the column "
            "headings in the first row.",
            size=delegate_files.MAX_FILE_BYTES // 1024 // 1024,
        ),
        render_kw={"accept": ".csv,.xlsx,.txt"},
    )
    mode = RadioField(
        _l("What to do with the delegates"),
        choices=list(imports.MODES.items()),
        default="register",
        validators=[
            DataRequired(_l("Choose what to do with the delegates.")),
            ChoiceOf(_l("Choose what to do with the delegates.")),
        ],
        validate_choice=False,
    )
    encoding = SelectField(
        _l("Encoding of a CSV file"),
        choices=[("", _l("Recognise it (UTF-8 or UTF-16)")), *delegate_files.ENCODINGS.items()],
        validators=[Optional(), ChoiceOf(_l("Choose an encoding from the list."))],
        validate_choice=False,
        description=_l("Only needed for a CSV file that was not saved as UTF-8."),
    )


class MappingForm(FlaskForm):
    """One select per field, listing the file's headings."""

    def field_names(self) -> list[str]:
        return [name for name in imports.FIELDS if name in self]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        used: dict[str, str] = {}
        for name in self.field_names():
            heading = self[name].data
            if heading and heading in used:
                label = imports.FIELDS[used[heading]].label
                self[name].errors.append(
                    _("This column is chosen for %(field)s already.", field=label)
                )
                valid = False
            used.setdefault(heading, name)
        return valid

    def mapping(self) -> dict[str, str]:
        return {name: self[name].data for name in self.field_names() if self[name].data}


def mapping_form(delegate_import, table: delegate_files.Table) -> MappingForm:
    class Form(MappingForm):
        pass

    for name, spec in imports.fields_for(delegate_import.mode).items():
        required = delegate_import.mode in spec.required_in
        needed = DataRequired(_l("Choose the column that holds this: it is needed."))
        setattr(
            Form,
            name,
            SelectField(
                spec.label,
                validators=[
                    needed if required else Optional(),
                    ChoiceOf(_l("Choose a column from the list.")),
                ],
                validate_choice=False,
            ),
        )
    form = Form()
    choices = [("", _l("Not in the file")), *((h, h) for h in table.headings if h)]
    for name in form.field_names():
        form[name].choices = choices
        if not form.is_submitted():
            form[name].data = delegate_import.mapping.get(name, "")
    return form


def _import_or_404(event, import_id: str):
    delegate_import = imports.import_by_public_id(event, import_id)
    if delegate_import is None:
        abort(404)
    return delegate_import


def _to_import(event, delegate_import):
    return redirect(
        url_for(".import_preview", slug=event.slug, import_id=delegate_import.public_id), 303
    )


# Exempt from the site-wide check, which would read the upload under the small limit
# for forms; UploadForm checks the CSRF token itself.
@bp.route("/imports", methods=["GET", "POST"])
@csrf.exempt
@event_role_required("organiser")
def imports_page(event):
    # Somewhat more than the largest file, so that a larger one gets its own message.
    request.max_content_length = 2 * delegate_files.MAX_FILE_BYTES + 64 * 1024
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            delegate_import = imports.upload(
                event,
                upload.filename or "",
                upload.read(delegate_files.MAX_FILE_BYTES + 1),
                form.mode.data,
                form.encoding.data,
                current_user,
            )
        except delegate_files.ImportRefused as refused:
            form.file.errors.append(refused.message)
        else:
            return redirect(
                url_for(".import_columns", slug=event.slug, import_id=delegate_import.public_id),
                303,
            )
    return render_template(
        "organiser/import_upload.html",
        event=event,
        form=form,
        past=imports.past_imports(event),
    )


@bp.route("/imports/<import_id>/columns", methods=["GET", "POST"])
@event_role_required("organiser")
def import_columns(event, import_id: str):
    delegate_import = _import_or_404(event, import_id)
    if delegate_import.imported_at is not None:
        return _to_import(event, delegate_import)
    table = imports.table_of(delegate_import)
    form = mapping_form(delegate_import, table)
    if form.validate_on_submit():
        imports.save_mapping(delegate_import, form.mapping())
        return _to_import(event, delegate_import)
    return render_template(
        "organiser/import_columns.html",
        event=event,
        delegate_import=delegate_import,
        table=table,
        form=form,
        fields=imports.fields_for(delegate_import.mode),
    )


@bp.get("/imports/<import_id>")
@event_role_required("organiser")
def import_preview(event, import_id: str):
    delegate_import = _import_or_404(event, import_id)
    if delegate_import.imported_at is not None:
        return render_template(
            "organiser/import_result.html", event=event, delegate_import=delegate_import
        )
    table = imports.table_of(delegate_import)
    if imports.missing_fields(delegate_import.mapping, delegate_import.mode, table.headings):
        flash(_("Choose the columns of the file first."), "error")
        return redirect(
            url_for(".import_columns", slug=event.slug, import_id=delegate_import.public_id), 303
        )
    preview = imports.check_rows(event, table, delegate_import.mapping, delegate_import.mode)
    invalid = preview.invalid_rows
    pages = max(1, -(-len(invalid) // PROBLEMS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template(
        "organiser/import_preview.html",
        event=event,
        delegate_import=delegate_import,
        preview=preview,
        invalid=invalid[(page - 1) * PROBLEMS_PER_PAGE : page * PROBLEMS_PER_PAGE],
        sample=preview.valid_rows[:SAMPLE_ROWS],
        page=page,
        pages=pages,
        form=ConfirmForm(),
    )


@bp.post("/imports/<import_id>/import")
@event_role_required("organiser")
def run_import(event, import_id: str):
    delegate_import = _import_or_404(event, import_id)
    try:
        count = imports.import_delegates(event, delegate_import, current_user)
    except imports.ImportNotPossible as refused:
        flash(_refusal(refused), "error")
    else:
        if delegate_import.mode == "invite":
            message = ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", count)
        else:
            message = ngettext(
                "%(num)d delegate registered.", "%(num)d delegates registered.", count
            )
        flash(message, "success")
    return _to_import(event, delegate_import)


@bp.post("/imports/<import_id>/delete")
@event_role_required("organiser")
def discard_import(event, import_id: str):
    delegate_import = _import_or_404(event, import_id)
    if delegate_import.imported_at is not None:
        flash(_("An imported list stays on record."), "error")
        return _to_import(event, delegate_import)
    imports.discard(delegate_import)
    flash(_("The uploaded file is deleted."), "success")
    return redirect(url_for(".imports_page", slug=event.slug), 303)


@bp.get("/invitations")
@event_role_required("organiser")
def invitations(event):
    result = imports.invitation_page(
        event,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["DELEGATES_PER_PAGE"],
    )
    return render_template("organiser/import_invitations.html", event=event, result=result)


def _refusal(refused: imports.ImportNotPossible) -> str:
    if refused.code == "imported":
        return _("This file has been imported already.")
    if refused.code == "capacity":
        return ngettext(
            "Nothing was imported: the event has only %(num)d place left.",
            "Nothing was imported: the event has only %(num)d places left.",
            refused.places_left or 0,
        )
    if refused.code == "conflict":
        return _(
            "Nothing was imported: some of the addresses were registered or invited "
            "meanwhile. Look at the preview again."
        )
    return _("Nothing was imported: some rows have problems. Look at the preview.")
