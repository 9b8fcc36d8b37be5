"""The family portal: its own blueprint behind its own guard."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from casework.auth.guards import family_required
from casework.cases.models import Contact
from casework.extensions import db

bp = Blueprint("portal", __name__, url_prefix="/portal")


def current_contact() -> Contact | None:
    """The family member's contact record, which ties them to one case."""
    return db.session.scalar(
        select(Contact).where(Contact.user_id == current_user.id, Contact.archived_at.is_(None))
    )


@bp.get("/")
@family_required
def home():
    contact = current_contact()
    interventionist = contact.case.interventionist if contact else None
    return render_template("portal/home.html", contact=contact, interventionist=interventionist)
