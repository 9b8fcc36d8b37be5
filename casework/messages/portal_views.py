"""The member's side of messages, on the portal's blueprint (behind its
guard): their one thread with the practice. Messages are the member's own
correspondence, so no consent is asked; casework.portal.access finds the
member's own contact, and the thread is looked up by it alone, so no id in
the URL can reach another member's."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from casework.auth.guards import family_required
from casework.messages import service
from casework.messages.forms import MessageForm
from casework.portal import access
from casework.portal.views import bp


def _page(form=None, status=200):
    contact = access.current_contact()
    if contact is None:
        return render_template("portal/messages.html", contact=None), status
    found = service.open_thread(contact, by_family=True)
    html = render_template(
        "portal/messages.html",
        contact=contact,
        found=found,
        form=form or MessageForm(),
        interventionist=contact.case.interventionist,
    )
    return html, status


@bp.get("/messages")
@family_required
def messages():
    return _page()


@bp.post("/messages")
@family_required
def messages_post():
    contact = access.member_contact()
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    service.send(contact, form.body.data, current_user._get_current_object(), from_family=True)
    return redirect(url_for("portal.messages", _anchor="latest"))
