"""Clinical access given from the web waits for a supervisor's confirmation:
an administrator can no longer mint a supervisor and sign in as it. The
command line stays direct, for a practice's first accounts."""

import pytest
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.access_requests import AccessRequest
from casework.auth.models import Role, User
from casework.extensions import db
from tests.conftest import login

PASSWORD = "a long new password 1"


def account(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def requests_for(user) -> list[AccessRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessRequest).where(AccessRequest.user_id == user.id)))


def actions(*names) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(names)).order_by(AuditEvent.id)
        )
    )


def make_account(admin_client, role, email="new.person@example.org", **extra):
    return admin_client.post(
        "/admin/users/new",
        data={"email": email, "name": "New Person", "role": role, "password": PASSWORD, **extra},
    )


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code == 302
    return client


def test_a_supervisor_made_by_an_admin_reaches_no_case_until_confirmed(app, people, as_user):
    """The hole: the admin made a supervisor, signed in as it, and read every case."""
    admin, case = as_user(people["admin"]), people["case"]

    response = make_account(admin, "supervisor")

    assert response.status_code == 302
    made = account("new.person@example.org")
    assert made.role == "supervisor" and made.clinical_pending
    assert not made.sees_every_case and not made.has_clinical_access
    detail = admin.get(f"/admin/users/{made.id}").get_data(as_text=True)
    assert "waits for a supervisor" in detail and "not confirmed" in detail
    minted = signed_in(app, "new.person@example.org")
    refused = minted.get(f"/cases/{case.reference}/")
    assert refused.status_code == 403  # no clinical access: the role guard
    assert case.loved_one_name not in refused.get_data(as_text=True)
    assert minted.get("/cases/").headers["Location"] == "/account/waiting"
    assert "waiting for a supervisor" in minted.get("/account/waiting").get_data(as_text=True)
    assert minted.get("/review/access").status_code == 403
    (asked,) = actions("access_requested")
    assert asked.actor_id == people["admin"].id and "new.person@example.org" in asked.summary


def test_a_supervisor_confirms_and_the_account_has_its_access(app, people, as_user):
    make_account(as_user(people["admin"]), "interventionist")
    made = account("new.person@example.org")
    (asked,) = requests_for(made)
    supervisor = as_user(people["supervisor"])
    page = supervisor.get("/review/access").get_data(as_text=True)
    assert "new.person@example.org" in page and "Interventionist" in page

    response = supervisor.post(f"/review/access/requests/{asked.id}/confirm")

    assert response.status_code == 302
    made = account("new.person@example.org")
    assert made.has_clinical_access and not made.clinical_pending
    (asked,) = requests_for(made)
    assert asked.decision == "confirmed" and asked.decided_by_id == people["supervisor"].id
    (confirmed,) = actions("access_confirmed")
    assert confirmed.actor_id == people["supervisor"].id
    assert signed_in(app, "new.person@example.org").get("/cases/").status_code == 200
    assert "No account is waiting." in supervisor.get("/review/access").get_data(as_text=True)


def test_a_declined_request_leaves_the_account_without_access(app, people, as_user):
    make_account(as_user(people["admin"]), "supervisor")
    made = account("new.person@example.org")
    (asked,) = requests_for(made)

    response = as_user(people["supervisor"]).post(f"/review/access/requests/{asked.id}/decline")

    assert response.status_code == 302
    made = account("new.person@example.org")
    assert made.clinical_pending and not made.sees_every_case
    assert requests_for(made)[0].decision == "declined"
    (declined,) = actions("access_declined")
    assert declined.actor_id == people["supervisor"].id
    client = signed_in(app, "new.person@example.org")
    assert client.get(f"/cases/{people['case'].reference}/").status_code == 403
    # Answered once: a second answer is refused.
    again = as_user(people["supervisor"]).post(f"/review/access/requests/{asked.id}/confirm")
    assert again.status_code == 409
    assert "answered already" in again.get_data(as_text=True)
    assert account("new.person@example.org").clinical_pending


def test_an_admin_who_is_also_a_supervisor_cannot_confirm_their_own_request(
    app, people, factory, as_user
):
    both = factory.user(Role.ADMIN, name="Ada Both", also_supervisor=True)
    client = as_user(both)
    make_account(client, "supervisor")
    made = account("new.person@example.org")
    (asked,) = requests_for(made)
    page = client.get("/review/access").get_data(as_text=True)
    assert "Another supervisor answers this one." in page

    refused = client.post(f"/review/access/requests/{asked.id}/confirm")

    assert refused.status_code == 409
    assert "other than the person who asked" in refused.get_data(as_text=True)
    assert account("new.person@example.org").clinical_pending
    assert actions("access_confirmed") == []
    as_user(people["supervisor"]).post(f"/review/access/requests/{asked.id}/confirm")
    assert account("new.person@example.org").sees_every_case


def test_raising_a_role_waits_and_lowering_it_does_not(people, as_user):
    admin, other = as_user(people["admin"]), people["other"]

    raised = admin.post(f"/admin/users/{other.id}/role", data={"role": "supervisor"})

    assert raised.status_code == 302
    db.session.expire_all()
    assert other.role == "interventionist" and other.has_clinical_access  # as it was
    assert not other.sees_every_case
    (asked,) = requests_for(other)
    assert (asked.role, asked.decision) == ("supervisor", None)
    detail = admin.get(f"/admin/users/{other.id}").get_data(as_text=True)
    assert "Waiting for a supervisor to confirm" in detail
    # One request at a time.
    admin.post(f"/admin/users/{other.id}/role", data={"role": "admin", "also_supervisor": "y"})
    assert len(requests_for(other)) == 1
    as_user(people["supervisor"]).post(f"/review/access/requests/{asked.id}/confirm")
    db.session.expire_all()
    assert other.sees_every_case

    lowered = admin.post(f"/admin/users/{other.id}/role", data={"role": "interventionist"})

    assert lowered.status_code == 302
    db.session.expire_all()
    assert other.role == "interventionist" and not other.sees_every_case
    assert len(requests_for(other)) == 1  # no request to take access away


def test_supervisor_access_for_an_admin_waits_too(people, factory, as_user):
    colleague = factory.user(Role.ADMIN, name="Another Admin")
    admin = as_user(people["admin"])
    admin.post(f"/admin/users/{colleague.id}/role", data={"role": "admin", "also_supervisor": "y"})
    db.session.expire_all()
    assert not colleague.also_supervisor and not colleague.sees_every_case
    (asked,) = requests_for(colleague)
    assert asked.also_supervisor and asked.role_label == "Administrator and supervisor"


def test_an_admin_cannot_change_their_own_role(people, as_user):
    admin = as_user(people["admin"])
    response = admin.post(f"/admin/users/{people['admin'].id}/role", data={"role": "supervisor"})
    assert response.status_code == 302
    assert requests_for(people["admin"]) == []
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot change your own role" in page


def test_a_role_not_on_the_list_is_refused(people, as_user):
    response = as_user(people["admin"]).post(
        f"/admin/users/{people['other'].id}/role", data={"role": "root"}
    )
    assert response.status_code == 400
    assert "Choose a role from the list." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "family"])
def test_accounts_without_clinical_access_are_made_at_once(people, as_user, role):
    make_account(as_user(people["admin"]), role)
    made = account("new.person@example.org")
    assert made.role == role and not made.clinical_pending
    assert requests_for(made) == []


def test_the_command_line_still_makes_a_supervisor_directly(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "first@example.org",
            "--name",
            "First Supervisor",
            "--role",
            "supervisor",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    made = account("first@example.org")
    assert made.sees_every_case and not made.clinical_pending


@pytest.mark.parametrize("number", [2**31, 2**63, 2**64])
@pytest.mark.parametrize(
    "path",
    [
        "/review/access/requests/{n}/confirm",
        "/review/access/requests/{n}/decline",
        "/review/access/grants/{n}/reviewed",
    ],
)
def test_ids_past_the_column_are_not_found(people, as_user, number, path):
    response = as_user(people["supervisor"]).post(path.format(n=number))
    assert response.status_code == 404


@pytest.mark.parametrize("takeover", ["password", "two-factor"])
def test_an_admin_who_resets_a_clinical_account_cannot_sign_in_as_it(
    app, people, as_user, takeover
):
    """The same hole by another door: the admin sets an interventionist's
    password (or clears their second factor) and signs in as them. Their
    clinical access is held until another supervisor confirms it again."""
    admin, owner, case = as_user(people["admin"]), people["owner"], people["case"]
    if takeover == "password":
        done = admin.post(
            f"/admin/users/{owner.id}/password", data={"password": PASSWORD, "confirm": PASSWORD}
        )
    else:
        done = admin.post(f"/admin/users/{owner.id}/two-factor/reset")
    assert done.status_code == 302
    held = account(owner.email)
    assert held.clinical_pending and not held.has_clinical_access
    if takeover == "password":
        taken = signed_in(app, owner.email)
        refused = taken.get(f"/cases/{case.reference}/")
        assert refused.status_code == 403
        assert case.loved_one_name not in refused.get_data(as_text=True)
    (asked,) = requests_for(held)
    assert (asked.role, asked.requested_by_id) == ("interventionist", people["admin"].id)

    as_user(people["supervisor"]).post(f"/review/access/requests/{asked.id}/confirm")

    back = account(owner.email)
    assert not back.clinical_pending and back.has_clinical_access


def test_an_admin_resetting_a_non_clinical_account_holds_nothing(people, as_user):
    admin, family = as_user(people["admin"]), people["family"]
    done = admin.post(
        f"/admin/users/{family.id}/password", data={"password": PASSWORD, "confirm": PASSWORD}
    )
    assert done.status_code == 302
    assert not requests_for(family) and not account(family.email).clinical_pending
