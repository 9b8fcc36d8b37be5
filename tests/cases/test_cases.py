"""Cases as an interventionist and a supervisor meet them: intake, the
caseload, phase changes, reassignment, two people editing at once."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from casework.cases.models import Contact, FamilyCase, PhaseChange
from casework.cases.service import reserve_references
from casework.extensions import db
from casework.timeutil import utcnow
from tests.conftest import count_queries

REFERENCE = re.compile(r"^C-(\d{4})-(\d{4})$")


def text_of(page: str) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces collapsed."""
    no_tags = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(no_tags)).strip()


def caseload_refs(page: str) -> list[str]:
    return re.findall(r'<td data-label="Case"><a href="[^"]*">(C-\d{4}-\d{4})</a>', page)


def case_groups(page: str) -> list[tuple[str, int, list[str]]]:
    """(heading, count, references) for each phase group, in page order."""
    groups = []
    for chunk in page.split('<section class="case-group">')[1:]:
        heading = re.search(r'<h2>(.*?) <span class="count">(\d+)</span></h2>', chunk)
        groups.append((html.unescape(heading[1]), int(heading[2]), caseload_refs(chunk)))
    return groups


def phase_counts(page: str) -> dict[str, int]:
    block = re.search(r'<ul class="phase-counts"[^>]*>(.*?)</ul>', page, re.S)[1]
    return {
        html.unescape(label.strip()): int(n)
        for label, n in re.findall(r">([^<>]+?) <strong>(\d+)</strong>", block)
    }


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no {name} field"
    return html.unescape(match[1])


def intake(client, interventionist, **fields):
    data = {
        "contact_name": "Laura Whitaker",
        "contact_relationship": "Wife",
        "contact_phone": "(555) 201-1101",
        "contact_email": "laura.w@example.net",
        "loved_one_name": "Daniel Whitaker",
        "preferred_name": "Danny",
        "concerns": ["alcohol", "gambling"],
        "urgency": "soon",
        "summary": "Drinking has doubled since he lost his job.",
        "interventionist_id": str(interventionist.id),
    }
    data.update(fields)
    return client.post("/cases/new", data=data)


def case_by_name(name: str) -> FamilyCase:
    db.session.expire_all()
    return db.session.scalars(select(FamilyCase).where(FamilyCase.loved_one_name == name)).one()


# ---- intake --------------------------------------------------------------------


def test_intake_opens_a_case_in_scheduling_with_its_first_contact(people, as_user):
    owner = people["owner"]
    client = as_user(owner)

    response = intake(client, owner)

    case = case_by_name("Daniel Whitaker")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.reference}/"
    year, number = REFERENCE.match(case.reference).groups()
    assert int(year) == utcnow().year and int(number) >= 1
    assert (case.phase, case.status, case.interventionist_id) == ("scheduling", "active", owner.id)
    assert case.concerns == ["alcohol", "gambling"]
    (contact,) = case.contacts
    assert (contact.name, contact.relationship_to_loved_one, contact.is_primary) == (
        "Laura Whitaker",
        "Wife",
        True,
    )
    assert contact.phone == "(555) 201-1101" and contact.email == "laura.w@example.net"

    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"Case {case.reference} opened." in page
    assert "Daniel Whitaker (Danny)" in page
    assert "Laura Whitaker Wife" in page
    assert "Case opened at intake" in page
    assert "Drinking has doubled since he lost his job." in page


def test_a_supervisor_opens_a_case_for_an_interventionist(people, as_user):
    other = people["other"]
    response = intake(as_user(people["supervisor"]), other, loved_one_name="Marcus Bell")
    assert response.status_code == 302
    case = case_by_name("Marcus Bell")
    assert case.interventionist_id == other.id
    assert case.reference in as_user(other).get("/cases/").get_data(as_text=True)


def test_references_count_up_and_are_never_reused(people, factory, as_user):
    owner = people["owner"]
    client = as_user(owner)
    intake(client, owner, loved_one_name="First Person")
    first = case_by_name("First Person")
    # A case that later disappears from the table (say, a restore from a
    # backup taken before it) must not give its number to the next case.
    gone = factory.case(owner, loved_one_name="Gone Person")
    gone_ref = gone.reference
    db.session.execute(delete(Contact).where(Contact.case_id == gone.id))
    db.session.execute(delete(FamilyCase).where(FamilyCase.id == gone.id))
    db.session.commit()

    intake(client, owner, loved_one_name="Third Person")
    third = case_by_name("Third Person")

    numbers = [int(REFERENCE.match(r)[2]) for r in (first.reference, gone_ref, third.reference)]
    assert numbers == sorted(set(numbers))
    assert numbers[2] == numbers[1] + 1  # the next number, not the freed one


# ---- the caseload ----------------------------------------------------------------


@pytest.fixture
def caseload(people, factory):
    """Olivia's caseload: 6 active cases in three phases, one on hold, one closed;
    Oscar's two cases, one of which Olivia co-leads."""
    owner, other = people["owner"], people["other"]
    db.session.delete(people["case"].contacts[1])  # keep people's case simple
    people["case"].loved_one_name = "Sam Scheduling"
    db.session.commit()
    made = {"Sam Scheduling": people["case"]}
    for name, phase, extra in [
        ("Sara Scheduling", "scheduling", {"urgency": "urgent"}),
        ("Avery Assessment", "assessment", {"preferred_name": "Ave"}),
        ("Eli Education", "education", {}),
        ("Erin Education", "education", {"urgency": "urgent"}),
        ("Ezra Education", "education", {}),
        ("Holly Onhold", "aftercare", {"status": "on_hold"}),
        (
            "Cal Closed",
            "closed",
            {"status": "closed", "closing_reason": "completed", "closed_from_phase": "aftercare"},
        ),
    ]:
        made[name] = factory.case(owner, loved_one_name=name, phase=phase, **extra)
    made["Oscar Solo"] = factory.case(other, loved_one_name="Oscar Solo", phase="intervention")
    made["Oscar Shared"] = factory.case(
        other, loved_one_name="Oscar Shared", phase="assessment", co_interventionist_id=owner.id
    )
    return {name: case.reference for name, case in made.items()}


def test_caseload_groups_by_phase_with_counts(people, caseload, as_user):
    page = as_user(people["owner"]).get("/cases/").get_data(as_text=True)

    assert "My caseload" in page
    assert phase_counts(page) == {
        "All": 7,
        "Scheduling": 2,
        "Assessment": 2,
        "Family education": 3,
        "Intervention": 0,
        "Post-intervention support": 0,
    }
    groups = case_groups(page)
    assert [(heading, count) for heading, count, _ in groups] == [
        ("Scheduling", 2),
        ("Assessment", 2),
        ("Family education", 3),
    ]
    scheduling, assessment, education = (refs for _, _, refs in groups)
    assert scheduling == [caseload["Sara Scheduling"], caseload["Sam Scheduling"]]  # urgent first
    assert set(assessment) == {caseload["Avery Assessment"], caseload["Oscar Shared"]}
    assert education[0] == caseload["Erin Education"]
    assert set(education) == {
        caseload[n] for n in ("Eli Education", "Erin Education", "Ezra Education")
    }
    assert "Avery Assessment (Ave)" in text_of(page)


def test_an_interventionist_sees_own_and_co_assigned_cases_only(people, caseload, as_user):
    refs = set(
        caseload_refs(as_user(people["owner"]).get("/cases/?status=all").get_data(as_text=True))
    )
    assert caseload["Oscar Shared"] in refs
    assert caseload["Oscar Solo"] not in refs
    assert len(refs) == 9

    others = as_user(people["other"]).get("/cases/?status=all").get_data(as_text=True)
    assert set(caseload_refs(others)) == {caseload["Oscar Solo"], caseload["Oscar Shared"]}


def test_an_interventionist_cannot_filter_into_someone_elses_cases(people, caseload, as_user):
    client = as_user(people["owner"])
    response = client.get("/cases/", query_string={"interventionist": people["other"].id})
    assert response.status_code == 400
    assert caseload["Oscar Solo"] not in response.get_data(as_text=True)


def test_a_supervisor_sees_every_case_and_filters_by_interventionist(people, caseload, as_user):
    client = as_user(people["supervisor"])
    everything = client.get("/cases/?status=all").get_data(as_text=True)
    assert "All cases" in everything
    assert set(caseload_refs(everything)) == set(caseload.values())
    assert "Oscar Other" in text_of(everything)  # the interventionist column

    oscar = client.get("/cases/", query_string={"interventionist": people["other"].id}).get_data(
        as_text=True
    )
    assert set(caseload_refs(oscar)) == {caseload["Oscar Solo"], caseload["Oscar Shared"]}
    assert phase_counts(oscar)["All"] == 2


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"q": "educ"}, {"Eli Education", "Erin Education", "Ezra Education"}),
        ({"q": "SARA"}, {"Sara Scheduling"}),
        ({"q": "ave"}, {"Avery Assessment"}),  # goes by "Ave"
        ({"q": "holly"}, set()),  # on hold: not in the default (active) list
        ({"q": "holly", "status": "on_hold"}, {"Holly Onhold"}),
        ({"status": "closed"}, {"Cal Closed"}),
        ({"status": "on_hold"}, {"Holly Onhold"}),
        ({"phase": "education"}, {"Eli Education", "Erin Education", "Ezra Education"}),
        ({"phase": "assessment", "q": "oscar"}, {"Oscar Shared"}),
        ({"phase": "intervention"}, set()),
        ({"status": "all", "phase": "closed"}, {"Cal Closed"}),
    ],
)
def test_caseload_search_and_filters(people, caseload, as_user, query, names):
    page = as_user(people["owner"]).get("/cases/", query_string=query).get_data(as_text=True)
    assert set(caseload_refs(page)) == {caseload[n] for n in names}
    if not names:
        assert "No cases match." in page


def test_caseload_finds_a_case_by_its_reference(people, caseload, as_user):
    ref = caseload["Eli Education"]
    client = as_user(people["owner"])
    assert caseload_refs(client.get("/cases/", query_string={"q": ref}).get_data(as_text=True)) == [
        ref
    ]
    lower = client.get("/cases/", query_string={"q": ref.lower()}).get_data(as_text=True)
    assert caseload_refs(lower) == [ref]


def test_caseload_counts_ignore_the_phase_filter(people, caseload, as_user):
    page = as_user(people["owner"]).get("/cases/?phase=education").get_data(as_text=True)
    counts = phase_counts(page)
    assert counts["Scheduling"] == 2 and counts["Family education"] == 3


def test_caseload_paginates(app, people, caseload, as_user):
    app.config["CASELOAD_PAGE_SIZE"] = 3
    client = as_user(people["owner"])
    seen = []
    for number in (1, 2, 3):
        page = client.get("/cases/", query_string={"page": number}).get_data(as_text=True)
        assert f"Page {number} of 3" in page
        seen += caseload_refs(page)
        assert phase_counts(page)["All"] == 7  # counts cover every page
    assert len(seen) == 7 and len(set(seen)) == 7
    assert caseload_refs(client.get("/cases/?page=4").get_data(as_text=True)) == []

    filtered = client.get("/cases/", query_string={"q": "e", "page": 1}).get_data(as_text=True)
    nxt = re.search(r'<a href="([^"]+)" rel="next"', filtered)
    assert nxt and "q=e" in html.unescape(nxt[1])  # the search survives paging


# ---- phases -----------------------------------------------------------------------


def test_phase_changes_through_the_form_and_on_the_timeline(people, as_user):
    case = people["case"]
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/phase"
    overview = f"/cases/{case.reference}/"

    def move(expected_status=302, **data):
        response = client.post(url, data=data)
        assert response.status_code == expected_status, text_of(response.get_data(as_text=True))
        return text_of(response.get_data(as_text=True))

    move(target="assessment")
    page = text_of(client.get(overview).get_data(as_text=True))
    assert "Moved from Scheduling to Assessment" in page

    assert "Moving a case back needs a reason." in move(422, target="scheduling")
    move(target="scheduling", reason="Family asked to wait until after the holidays")
    page = text_of(client.get(overview).get_data(as_text=True))
    assert (
        "Moved back from Assessment to Scheduling “Family asked to wait until after the holidays”"
        in page
    )

    move(target="assessment")
    assert "Choose why the case is closing." in move(422, target="closed")
    move(target="closed", closing_reason="declined_services")
    page = text_of(client.get(overview).get_data(as_text=True))
    assert "Closed from Assessment" in page
    assert "Closed because Declined services" in page
    assert case.reference not in client.get("/cases/").get_data(as_text=True)

    form = text_of(client.get(url).get_data(as_text=True))
    assert "Reopen into Assessment" in form
    refused = move(422, target="scheduling", reason="Try again")
    assert "reopens into the phase it was closed from (Assessment)" in refused
    assert "Say why the case is being reopened." in move(422, target="assessment")
    move(target="assessment", reason="The family called back")
    page = text_of(client.get(overview).get_data(as_text=True))
    assert "Reopened into Assessment “The family called back”" in page

    db.session.expire_all()
    assert (case.phase, case.status, case.closing_reason) == ("assessment", "active", None)
    kinds = db.session.scalars(
        select(PhaseChange.kind).where(PhaseChange.case_id == case.id).order_by(PhaseChange.id)
    ).all()
    assert kinds == ["forward", "back", "forward", "close", "reopen"]
    assert case.reference in client.get("/cases/").get_data(as_text=True)


# ---- reassignment -------------------------------------------------------------------


def test_supervisor_reassigns_a_case(people, as_user):
    case, owner, other = people["case"], people["owner"], people["other"]
    old, new = as_user(owner), as_user(other)
    assert new.get(f"/cases/{case.reference}/").status_code == 404

    response = as_user(people["supervisor"]).post(
        f"/cases/{case.reference}/reassign",
        data={
            "interventionist_id": str(other.id),
            "co_interventionist_id": "0",
            "reason": "Olivia is on leave",
            "version": str(case.version),
        },
    )

    assert response.status_code == 302
    page = new.get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    assert "Reassigned (lead from Olivia Owner to Oscar Other) “Olivia is on leave”" in text_of(
        page.get_data(as_text=True)
    )
    assert case.reference in new.get("/cases/").get_data(as_text=True)
    assert old.get(f"/cases/{case.reference}/").status_code == 404
    assert case.reference not in old.get("/cases/").get_data(as_text=True)


def test_reassigning_with_a_co_interventionist_shares_the_case(people, as_user):
    case, owner, other = people["case"], people["owner"], people["other"]
    as_user(people["supervisor"]).post(
        f"/cases/{case.reference}/reassign",
        data={
            "interventionist_id": str(other.id),
            "co_interventionist_id": str(owner.id),
            "reason": "Handing over gradually",
            "version": str(case.version),
        },
    )
    for user in (owner, other):
        assert as_user(user).get(f"/cases/{case.reference}/").status_code == 200
    page = text_of(as_user(other).get(f"/cases/{case.reference}/").get_data(as_text=True))
    assert "Oscar Other, with Olivia Owner" in page


# ---- two people editing at once ---------------------------------------------------


def test_a_stale_edit_gets_409_shows_their_change_and_keeps_my_typing(people, as_user):
    case = people["case"]
    url = f"/cases/{case.reference}/edit"
    olivia, sam = as_user(people["owner"]), as_user(people["supervisor"])
    hers = olivia.get(url).get_data(as_text=True)
    his = sam.get(url).get_data(as_text=True)
    assert hidden(hers, "version") == hidden(his, "version")

    def form(page, **changes):
        return {
            "loved_one_name": case.loved_one_name,
            "concerns": case.concerns,
            "urgency": case.urgency,
            "status": case.status,
            "version": hidden(page, "version"),
            "loaded": hidden(page, "loaded"),
            **changes,
        }

    first = olivia.post(
        url, data=form(hers, summary="He relapsed after the wedding.", urgency="urgent")
    )
    assert first.status_code == 302

    second = sam.post(
        url, data=form(his, referral_source="Dr. Patel's office", summary="Sam's own notes")
    )

    assert second.status_code == 409
    body = second.get_data(as_text=True)
    page = text_of(body)
    assert "Someone else saved changes to this case while you were editing." in page
    assert "What the family told us — He relapsed after the wedding." in page
    assert "Urgency routine urgent" in page
    # Sam's typing is all still there.
    assert 'value="Dr. Patel&#39;s office"' in body
    assert "Sam&#39;s own notes</textarea>" in body
    db.session.expire_all()
    assert case.summary == "He relapsed after the wedding."
    assert case.referral_source is None

    # Sam saves again from the conflict page: now it goes through.
    again = sam.post(
        url,
        data=form(
            body,
            referral_source="Dr. Patel's office",
            summary="He relapsed after the wedding. Sam's own notes",
            urgency="urgent",
        ),
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert case.referral_source == "Dr. Patel's office"
    assert case.summary == "He relapsed after the wedding. Sam's own notes"


def browser_choice(page: str, name: str) -> str:
    """The option a browser would send for a select: the selected one, else the first."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)[1]
    chosen = re.search(r'<option selected value="([^"]*)"', select_html) or re.search(
        r'<option[^>]*value="([^"]*)"', select_html
    )
    return html.unescape(chosen[1])


def test_editing_a_closed_case_leaves_it_closed(people, factory, as_user):
    case = factory.case(
        people["owner"],
        loved_one_name="Zoe Lambrt",
        phase="closed",
        status="closed",
        closing_reason="completed",
        closed_from_phase="aftercare",
    )
    client = as_user(people["owner"])
    url = f"/cases/{case.reference}/edit"
    page = client.get(url).get_data(as_text=True)
    assert browser_choice(page, "status") == "closed"  # the form says what is true

    response = client.post(
        url,
        data={
            "loved_one_name": "Zoe Lambert",  # a typo fixed after closing
            "concerns": case.concerns,
            "urgency": browser_choice(page, "urgency"),
            "status": browser_choice(page, "status"),
            "version": hidden(page, "version"),
            "loaded": hidden(page, "loaded"),
        },
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert (case.loved_one_name, case.phase, case.status) == ("Zoe Lambert", "closed", "closed")
    assert case.reference not in client.get("/cases/").get_data(as_text=True)
    # Reopening stays the phase form's job.
    reopen = client.post(url, data={**edit_form(case), "status": "active"})
    assert reopen.status_code == 422
    db.session.expire_all()
    assert case.status == "closed"


def test_an_open_case_cannot_be_closed_from_the_edit_form(people, as_user):
    case = people["case"]
    response = as_user(people["owner"]).post(
        f"/cases/{case.reference}/edit", data={**edit_form(case), "status": "closed"}
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert case.status == "active"


def edit_form(case) -> dict:
    return {
        "loved_one_name": case.loved_one_name,
        "concerns": case.concerns,
        "urgency": case.urgency,
        "status": case.status,
        "version": str(case.version),
    }


# ---- the caseload's cost does not grow with its rows ---------------------------------


def add_cases(owner, other, count: int) -> None:
    """`count` cases in one go: varied phases, two contacts each, some shared."""
    phases = ["scheduling", "assessment", "education", "intervention", "aftercare"]
    refs = reserve_references(date.today().year, count)
    for i, ref in enumerate(refs):
        lead, co = (owner, other) if i % 2 else (other, owner)
        case = FamilyCase(
            reference=ref,
            loved_one_name=f"Bulk Person {i}",
            concerns=["alcohol"],
            urgency=("routine", "soon", "urgent")[i % 3],
            phase=phases[i % 5],
            status="active",
            phase_entered_at=utcnow() - timedelta(days=i),
            interventionist_id=lead.id,
            co_interventionist_id=co.id if i % 3 == 0 else None,
        )
        db.session.add(case)
        for n in range(2):
            db.session.add(
                Contact(
                    case=case,
                    name=f"Relative {i}-{n}",
                    relationship_to_loved_one="Sister",
                    phone="555-0100",
                    is_primary=n == 0,
                )
            )
    db.session.commit()


def visible_count(user) -> int:
    query = select(FamilyCase.id)
    if not user.sees_every_case:
        query = query.where(
            (FamilyCase.interventionist_id == user.id)
            | (FamilyCase.co_interventionist_id == user.id)
        )
    return len(db.session.scalars(query).all())


@pytest.mark.parametrize("who", ["supervisor", "owner"])
def test_caseload_queries_do_not_grow_with_its_rows(app, people, as_user, who):
    app.config["CASELOAD_PAGE_SIZE"] = 500
    owner, other, me = people["owner"], people["other"], people[who]
    client = as_user(me)
    add_cases(owner, other, 9)  # with people's own case: 10

    with count_queries(db.engine) as small:
        page = client.get("/cases/").get_data(as_text=True)
    assert len(caseload_refs(page)) == visible_count(me)

    add_cases(owner, other, 190)
    with count_queries(db.engine) as large:
        page = client.get("/cases/").get_data(as_text=True)
    assert len(caseload_refs(page)) == visible_count(me) >= 100

    assert len(large) == len(small), "\n".join(large)
