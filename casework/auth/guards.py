"""Role guards for views. Case reach is decided by casework.cases.access."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def _guard(allowed):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = _guard(lambda user: user.is_staff)
clinical_required = _guard(lambda user: user.has_clinical_access)
supervisor_required = _guard(lambda user: user.sees_every_case)
admin_required = _guard(lambda user: user.is_admin)
family_required = _guard(lambda user: user.is_family)
