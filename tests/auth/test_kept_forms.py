"""Nothing typed is lost when a session ends: a form posted after the idle
limit is kept for its account and comes back after signing in again."""

import re
from datetime import UTC, datetime, timedelta

import itsdangerous
import pytest
from sqlalchemy import select

from casework.assessment.models import Assessment, Screening
from casework.audit.models import AuditEvent
from casework.auth.models import KeptForm
from casework.extensions import db
from casework.timeutil import utcnow
from tests.conftest import PASSWORD, csrf_token

INTERVIEW = "Mother says he drinks a bottle of wine a night; worse since the layoff in March."
KEPT_MESSAGE = "What you typed is kept: sign in again to go back to it."
RESTORED_MESSAGE = "What you typed is back in the form"


@pytest.fixture
def csrf_app(make_app_with):
    """As in production: CSRF checked on every POST."""
    return make_app_with(WTF_CSRF_ENABLED=True)


def sign_in(client, user, password=PASSWORD):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )


def idle_for(client, seconds: float) -> None:
    with client.session_transaction() as session:
        session["seen"] = datetime.now(UTC).timestamp() - seconds


def kept_rows() -> list[KeptForm]:
    db.session.expire_all()
    return list(db.session.scalars(select(KeptForm)))


def interview(token: str, **extra) -> dict:
    return {
        "csrf_token": token,
        "mental_health-symptoms": INTERVIEW,
        "substances-0-substance": "Alcohol",
        "safety-weapons_in_home": "y",
        "readiness-ruler": "4",
        "version": "",
        **extra,
    }


def open_form(client, url) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return csrf_token(page.get_data(as_text=True))


def test_an_assessment_posted_after_the_idle_limit_comes_back_after_sign_in(csrf_app, people):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    assert sign_in(client, owner).status_code == 302
    token = open_form(client, url)
    idle_for(client, 16 * 60)  # the interview ran past the idle limit

    response = client.post(url, data=interview(token))

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert KEPT_MESSAGE in client.get("/login").get_data(as_text=True)
    assert db.session.scalar(select(Assessment)) is None  # not saved: nobody was signed in
    (kept,) = kept_rows()
    assert kept.user_id == owner.id and kept.path == url

    back = sign_in(client, owner)
    assert back.status_code == 302 and back.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert INTERVIEW.replace("'", "&#39;") in page
    assert RESTORED_MESSAGE in page
    (weapons,) = re.findall(r'<input[^>]*name="safety-weapons_in_home"[^>]*>', page)
    assert " checked" in weapons  # a ticked box comes back ticked
    assert kept_rows() == []  # put back once, then gone
    again = client.get(url).get_data(as_text=True)
    assert INTERVIEW not in again and RESTORED_MESSAGE not in again

    # And it saves like any draft.
    saved = client.post(url, data=interview(csrf_token(again)))
    assert saved.status_code == 302
    assert db.session.scalar(select(Assessment)).data["mental_health"]["symptoms"] == INTERVIEW


def test_keeping_and_putting_back_are_audited_without_the_text(csrf_app, people):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    client.post(url, data=interview(token))
    sign_in(client, owner)
    client.get(url)

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "KeptForm").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_id) for e in events] == [("create", owner.id), ("view", owner.id)]
    assert url in events[0].summary and url in events[1].summary
    every_summary = " ".join(e.summary or "" for e in db.session.scalars(select(AuditEvent)))
    assert "wine" not in every_summary and "Alcohol" not in every_summary


def test_another_user_signing_in_never_gets_it(csrf_app, people):
    owner, supervisor, case = people["owner"], people["supervisor"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    client.post(url, data=interview(token))

    # Someone else signs in at the same browser, and can see the case.
    landed = sign_in(client, supervisor)
    assert landed.headers["Location"] == "/cases/"
    page = client.get(url).get_data(as_text=True)
    assert INTERVIEW not in page and RESTORED_MESSAGE not in page
    assert len(kept_rows()) == 1  # still the owner's

    elsewhere = csrf_app.test_client()
    assert sign_in(elsewhere, owner).headers["Location"] == url
    assert INTERVIEW.replace("'", "&#39;") in elsewhere.get(url).get_data(as_text=True)


def test_passwords_and_the_csrf_token_are_never_stored(csrf_app, people):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    client.post(
        url,
        data=interview(
            token,
            password=PASSWORD,
            current_password=PASSWORD,
            **{"sign-password": PASSWORD, "api_token": "t0ken", "secret": "s"},
        ),
    )

    (kept,) = kept_rows()
    names = [name for name, _ in kept.fields]
    assert "mental_health-symptoms" in names
    for secret in ("csrf_token", "password", "current_password", "sign-password", "api_token"):
        assert secret not in names
    stored = repr(kept.fields)
    assert PASSWORD not in stored and token not in stored


def test_an_entry_past_its_hours_is_not_put_back(csrf_app, people):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    client.post(url, data=interview(token))
    (kept,) = kept_rows()
    kept.kept_at = utcnow() - timedelta(hours=25)
    db.session.commit()

    assert sign_in(client, owner).headers["Location"] == "/cases/"
    page = client.get(url).get_data(as_text=True)
    assert INTERVIEW not in page and RESTORED_MESSAGE not in page
    assert kept_rows() == []  # and it is gone


def test_a_form_from_another_tab_after_the_session_ended_is_kept(csrf_app, people):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    # Another tab is opened first: that request ends the session...
    assert client.get("/cases/").headers["Location"] == "/login"

    # ...and the interview's tab is saved after it.
    response = client.post(url, data=interview(token))

    assert response.headers["Location"] == "/login"
    assert KEPT_MESSAGE in client.get("/login").get_data(as_text=True)
    assert sign_in(client, owner).headers["Location"] == url
    assert INTERVIEW.replace("'", "&#39;") in client.get(url).get_data(as_text=True)


def test_signing_out_everywhere_stops_keeping(csrf_app, people, as_user):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    client.get("/cases/")  # ended for being idle
    owner.rotate_session_token()  # then signed out everywhere (a password change)
    db.session.commit()

    response = client.post(url, data=interview(token))

    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert kept_rows() == []


def test_a_post_without_its_csrf_token_is_refused_not_kept(csrf_app, people):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    open_form(client, url)
    idle_for(client, 16 * 60)

    response = client.post(url, data=interview("forged"))

    assert response.status_code == 400
    assert kept_rows() == []


def test_a_form_opened_95_minutes_ago_still_passes_its_csrf_check(csrf_app, people, monkeypatch):
    """The whole CSRF path of a long interview: the token has no time limit of
    its own, and the session cookie carrying it outlives the idle limit."""
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    assert csrf_app.config["WTF_CSRF_TIME_LIMIT"] is None
    assert csrf_app.config["PERMANENT_SESSION_LIFETIME"] >= timedelta(hours=24)
    client = csrf_app.test_client()
    # Signed in, the page opened and its cookie signed 95 minutes ago.
    signed_at = int(datetime.now(UTC).timestamp()) - 95 * 60
    with monkeypatch.context() as past:
        past.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: signed_at)
        sign_in(client, owner)
        page = client.get(url)
        idle_for(client, 95 * 60)
    cookie = page.headers["Set-Cookie"]
    assert "Expires=" in cookie  # a lasting cookie, not a browser-session one

    response = client.post(url, data=interview(csrf_token(page.get_data(as_text=True))))

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert len(kept_rows()) == 1  # not a 400: kept


def test_a_screening_keeps_its_answers_and_its_date(csrf_app, people):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/screenings/PHQ-9/new"
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    answers = {f"q{i}": "2" for i in range(1, 10)} | {"q9": "0"}
    earlier = (utcnow() - timedelta(days=3)).date().isoformat()
    client.post(
        url,
        data={
            "csrf_token": token,
            "administered_on": earlier,
            "respondent": "loved_one",
            **answers,
        },
    )

    assert sign_in(client, owner).headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert f'value="{earlier}"' in page  # not reset to today
    assert page.count(" checked") >= 9
    saved = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "administered_on": earlier,
            "respondent": "loved_one",
            **answers,
        },
    )
    assert saved.status_code == 302
    assert db.session.scalar(select(Screening)).total == 16


def test_a_restored_assessment_keeps_the_version_it_was_typed_on(csrf_app, people, as_user):
    """What was typed wins over the record's defaults, and a save made by
    someone else meanwhile is a conflict, not overwritten."""
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    client.post(url, data=interview(open_form(client, url), **{"mental_health-symptoms": "v1"}))
    first = db.session.scalar(select(Assessment))
    version = str(first.version)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    client.post(url, data=interview(token, version=version))
    # A supervisor saves the draft in between.
    supervisor = csrf_app.test_client()
    sign_in(supervisor, people["supervisor"])
    supervisor.post(
        url,
        data=interview(
            open_form(supervisor, url), version=version, **{"mental_health-symptoms": "theirs"}
        ),
    )

    sign_in(client, owner)
    page = client.get(url).get_data(as_text=True)
    assert f'name="version" type="hidden" value="{version}"' in page
    response = client.post(url, data=interview(csrf_token(page), version=version))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.scalar(select(Assessment)).data["mental_health"]["symptoms"] == "theirs"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/password", {"current": PASSWORD, "password": "x" * 12, "confirm": "x" * 12}),
        ("CASE/assessment/edit", {"mental_health-symptoms": "   "}),  # nothing typed
        ("CASE/assessment/complete", {"note": "a POST with no page"}),
    ],
    ids=["password-form", "blank", "no-page"],
)
def test_what_is_not_kept(csrf_app, people, path, data):
    owner, case = people["owner"], people["case"]
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, "/account/password")
    idle_for(client, 16 * 60)

    url = path.replace("CASE", f"/cases/{case.reference}")
    response = client.post(url, data={"csrf_token": token, **data})

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "You were signed out after a period of inactivity." in page
    assert KEPT_MESSAGE not in page
    assert kept_rows() == []


def test_kept_forms_are_one_per_user_and_page(csrf_app, people):
    owner, case = people["owner"], people["case"]
    url = f"/cases/{case.reference}/assessment/edit"
    client = csrf_app.test_client()
    sign_in(client, owner)
    token = open_form(client, url)
    idle_for(client, 16 * 60)
    client.post(url, data=interview(token, **{"mental_health-symptoms": "draft 1"}))
    sign_in(client, owner)  # and, before going back to the form, idle again
    token = csrf_token(client.get("/cases/").get_data(as_text=True))
    idle_for(client, 16 * 60)
    client.post(url, data=interview(token, **{"mental_health-symptoms": "draft 2"}))

    (kept,) = kept_rows()
    assert ["mental_health-symptoms", "draft 2"] in kept.fields
