"""Secure messages between a family member and the staff on their case.

The member's side lives in the portal (casework.messages.portal_views, on
the portal's blueprint); staff read and reply under the case."""


def init_app(app) -> None:
    from casework.messages import section
    from casework.messages.views import bp

    app.register_blueprint(bp)
    section.init_app(app)
    app.jinja_env.globals["portal_unread_messages"] = _portal_unread


def _portal_unread() -> int:
    """The signed-in member's unread messages, for the portal's navigation: a number only."""
    from casework.messages.service import unread_for_member
    from casework.portal.access import current_contact

    return unread_for_member(current_contact())
