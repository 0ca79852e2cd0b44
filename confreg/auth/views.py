from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from confreg.auth.forms import LoginForm
from confreg.auth.models import StaffUser
from confreg.auth.service import LockedOut, authenticate
from confreg.extensions import db, limiter, login_manager
from confreg.site import same_site_path

bp = Blueprint("auth", __name__, url_prefix="/staff")


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    return db.session.get(StaffUser, int(user_id)) if user_id.isdigit() else None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except LockedOut:
            form.password.errors.append(
                _("Too many failed log-ins for this address. Wait a quarter of an hour, "
                  "then try again.")
            )  # fmt: skip
        else:
            if user is not None:
                login_user(user)
                return redirect(same_site_path(request.args.get("next") or url_for("auth.home")))
            form.password.errors.append(_("The e-mail address or the password is not right."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("events.index"))


@bp.get("/")
@login_required
def home():
    roles = sorted(current_user.roles, key=lambda role: role.event.starts_on, reverse=True)
    return render_template("auth/home.html", roles=roles)
