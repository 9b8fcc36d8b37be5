"""A family member's part in the intervention, in the portal: their role and
place in the reading order, the day, their own letter (write, save, share,
read the comments, see it final and locked), their own bottom line and
commitments, and the chosen facility's name with its disclosure. Nothing of
any other member's letter, bottom line or comments, no staff notes and
nothing clinical reaches any other member, on any page or file they can open."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.audit.service import acting_as
from casework.extensions import db
from casework.intervention import service as iv
from casework.intervention.models import BottomLine, EnablingCommitment, Letter
from tests.conftest import PASSWORD, csrf_token
from tests.portal.conftest import contact_of

LINK = re.compile(r'href="(/portal/[^"#?]*)"')
PAGE = "/portal/intervention"

FRAN_LETTER = "Fran writes: I remember the summer we fixed the blue canoe together at the lake."
SAM_LETTER = "Sam writes: you taught me to ride a bike on Juniper Street when I was six."
PAT_LETTER = "Pat writes: the night of the hospital visit I sat in the car park until dawn."
DANA_LETTER = "Dana writes: your work on the harbor bridge project made the whole crew proud."
SAM_BOTTOM = "Sam bottom line: I will stop lending my car and will not visit the flat."
PAT_BOTTOM = "Pat bottom line: you can no longer live in the basement room after Friday."
DANA_BOTTOM = "Dana bottom line: your job stays open only while you are in treatment."
FRAN_BOTTOM = "Fran bottom line: I will not pick up the phone when you call after midnight."
SAM_COMMENT = "Staff to Sam: lovely start; please cut the paragraph about the wedding toast."
PAT_COMMENT = "Staff to Pat: try to name one feeling in the third paragraph, gently."
FRAN_COMMENT = "Staff to Fran: the canoe memory is perfect; please make the ask at the end."
STAFF_NOTES = {
    "fran": "Staff only: Fran may freeze up when the loved one raises his voice.",
    "sam": "Staff only: Sam needs a ride from the train station on the day.",
    "pat": "Staff only: Pat may become angry if the old debt comes up.",
    "dana": "Staff only: Dana is the employer and must not mention the written warning.",
}
SAM_OWN_WORDS = "Sam own words: stop topping up the prepaid gas card every Sunday."
PAT_OWN_WORDS = "Pat own words: stop signing the school forms he forgets about."
PLACEMENT = {
    "facility": "Harborview Recovery Center",
    "level": "residential",
    "address": "400 Cliffside Road, Bayport",
    "contact_name": "Admissions nurse Rosa Kline",
    "phone": "555-0199",
    "payer": "Bluewater Health Plan",
    "authorization_number": "AUTH-77813",
    "expected_cost": "About 2400 dollars out of pocket",
    "transport_driver": "Driver Quentin Hale",
    "transport_route": "Route 9 then the coast highway",
    "transport_companion": "Companion Ivy Marsh",
    "what_to_pack": "Seven days of comfortable clothes\nA list of current medicines",
    "financial_relationship": "referral_agreement",
    "financial_text": "We have a written referral agreement; we receive no payment per person.",
}
CLINICAL = [
    PLACEMENT[k]
    for k in (
        "address",
        "contact_name",
        "payer",
        "authorization_number",
        "expected_cost",
        "transport_driver",
        "transport_route",
        "transport_companion",
    )
]


def member_data(contact, role, order, notes, name="", relationship=""):
    return iv.MemberData(contact, name, relationship, role, order, order, True, True, notes)


@pytest.fixture
def team(family, factory, add_session, make_packet):
    """Sam chairs and reads first, Fran reads second, Pat third; Dana (the
    loved one's employer, not a contact) supports. Staff have written,
    returned and commented on the others' letters, and a placement is chosen."""
    case, owner = family["case"], family["owner"]
    pat = factory.family_member(case, name="Pat Parent")
    pat_contact = contact_of(pat)
    day = add_session(
        case,
        [family["fran_contact"], family["sam_contact"], pat_contact],
        days=10,
        kind="intervention",
        title="The family meeting",
        place="The Whitaker home, 8 Elm Court",
    )
    make_packet(case, "how-recovery-works")
    with acting_as(owner):
        plan = iv.ensure_plan(case)
        plan.session_id = day.id
        sam = iv.save_member(
            case, None, member_data(family["sam_contact"], "chair", 1, STAFF_NOTES["sam"])
        )
        fran = iv.save_member(
            case, None, member_data(family["fran_contact"], "speaker", 2, STAFF_NOTES["fran"])
        )
        pat_member = iv.save_member(
            case, None, member_data(pat_contact, "speaker", 3, STAFF_NOTES["pat"])
        )
        dana = iv.save_member(
            case,
            None,
            member_data(None, "supporter", None, STAFF_NOTES["dana"], "Dana Boss", "Employer"),
        )
        for member, letter, bottom, comment in (
            (sam, SAM_LETTER, SAM_BOTTOM, SAM_COMMENT),
            (pat_member, PAT_LETTER, PAT_BOTTOM, PAT_COMMENT),
        ):
            iv.save_letter(case, member, letter, owner)
            iv.share_letter(case, member, owner)
            iv.return_letter(case, member, owner, comment)
            iv.set_bottom_line(case, member, bottom)
        iv.save_letter(case, dana, DANA_LETTER, owner)
        iv.set_bottom_line(case, dana, DANA_BOTTOM)
        iv.set_commitments(case, sam, ["giving_money", "other"], SAM_OWN_WORDS)
        iv.set_commitments(case, pat_member, ["covering_up", "other"], PAT_OWN_WORDS)
        placement = iv.save_placement(case, None, dict(PLACEMENT))
        iv.choose_placement(case, placement)
    db.session.commit()
    # The loved one agreed to share the plan, sessions and packets with the three.
    consent = factory.give_consent(
        case, [family["fran_contact"], family["sam_contact"], pat_contact]
    )
    return {
        **family,
        "consent": consent,
        "plan": plan,
        "day": day,
        "pat": pat,
        "pat_contact": pat_contact,
        "members": {"sam": sam, "fran": fran, "pat": pat_member, "dana": dana},
    }


def text_of(response) -> str:
    if response.mimetype == "application/pdf":
        raw = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    else:
        raw = response.get_data(as_text=True)
        raw = raw.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
        raw = raw.replace("\\n", " ").replace("\\,", ",").replace("\r\n ", "")
    return " ".join(raw.split())


def crawl(client) -> dict[str, str]:
    seen, queue, texts = set(), ["/portal/"], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = text_of(response)
        if response.mimetype == "text/html":
            queue.extend(LINK.findall(response.get_data(as_text=True)))
    return texts


def stored_letter(member) -> Letter | None:
    db.session.expire_all()
    return db.session.scalar(select(Letter).where(Letter.member_id == member.id))


def post_letter(client, body, version, action="save"):
    return client.post(
        PAGE, data={"letter-body": body, "letter-version": version, f"letter-{action}": "1"}
    )


def version_on(html: str) -> str:
    match = re.search(
        r'id="letter-version" name="letter-version" type="hidden" value="(\d*)"', html
    )
    assert match, "no letter version on the page"
    return match.group(1)


def staff_do(team, who, action, *args):
    """Staff act on a member's letter through the service (the staff pages
    are another change)."""
    case, owner = team["case"], team["owner"]
    member = db.session.merge(team["members"][who])
    with acting_as(owner):
        getattr(iv, action)(case, member, owner, *args)
    db.session.commit()


# ---- what a member sees ---------------------------------------------------------------


def test_a_member_sees_their_role_place_in_order_the_day_and_the_facility(team, as_user):
    client = as_user(team["fran"])
    home = client.get("/portal/").get_data(as_text=True)
    assert 'href="/portal/intervention"' in home
    response = client.get(PAGE)
    assert response.status_code == 200
    text = text_of(response)
    assert "Your part in the intervention" in text
    assert "Speaker" in text
    assert "You read <strong>second</strong>, of 3 people reading." in text
    assert "The Whitaker home, 8 Elm Court" in text
    assert f'href="/portal/sessions/{team["day"].id}.ics"' in response.get_data(as_text=True)
    assert "Harborview Recovery Center" in text
    assert "Seven days of comfortable clothes" in text
    assert "we have a referral agreement with them" in text
    assert PLACEMENT["financial_text"] in text
    # Nothing clinical from the placement, and no other member's name.
    for detail in [*CLINICAL, "Residential", "Dana Boss", "Sam Sibling", "Pat Parent"]:
        assert detail not in text, detail
    # The 42 CFR Part 2 statement, and no inline script or style.
    assert "42 CFR part 2" in text or "42 CFR Part 2" in text
    html = response.get_data(as_text=True)
    clock = '<script src="/static/js/session.js" defer></script>'
    assert "style=" not in html and "<script" not in html.replace(clock, "")


def test_the_first_and_last_readers_are_told_so_and_a_supporter_writes_no_letter(
    team, factory, as_user
):
    sam_page = text_of(as_user(team["sam"]).get(PAGE))
    assert "Chair" in sam_page and "You read <strong>first</strong>, of 3 people" in sam_page
    pat_page = text_of(as_user(team["pat"]).get(PAGE))
    assert "You read <strong>last</strong>, after 2 others." in pat_page

    # A supporter on the team (a contact with an account) has no letter to write.
    case, owner = team["case"], team["owner"]
    vic = factory.family_member(case, name="Vic Visitor")
    with acting_as(owner):
        iv.save_member(case, None, member_data(contact_of(vic), "supporter", None, None))
    db.session.commit()
    factory.give_consent(case, [contact_of(vic)])
    client = as_user(vic)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Supporter" in page and "Your bottom line" in page
    assert 'name="letter-body"' not in page and "You read" not in page
    # A letter posted anyway is refused.
    assert post_letter(client, "A letter from a supporter", "").status_code == 404


def test_a_member_not_attending_the_day_is_not_told_its_date_or_place(team, factory, as_user):
    case, owner = team["case"], team["owner"]
    away = factory.family_member(case, name="Abe Away")
    with acting_as(owner):
        iv.save_member(case, None, member_data(contact_of(away), "not_attending", None, None))
    db.session.commit()
    factory.give_consent(case, [contact_of(away)])
    text = text_of(as_user(away).get(PAGE))
    assert "Not attending" in text
    assert "8 Elm Court" not in text and "The day" not in text


def test_a_cancelled_day_is_not_shown(team, as_user):
    team["day"].status = "cancelled"
    db.session.commit()
    text = text_of(as_user(team["fran"]).get(PAGE))
    assert "8 Elm Court" not in text
    assert "The date is not set yet." in text


# ---- the letter -----------------------------------------------------------------------


def test_a_member_writes_saves_and_shares_their_letter(team, as_user):
    client = as_user(team["fran"])
    fran = team["members"]["fran"]
    page = client.get(PAGE).get_data(as_text=True)
    assert version_on(page) == ""  # no letter yet, and none made by looking
    assert stored_letter(fran) is None

    response = post_letter(client, FRAN_LETTER, "")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portal/intervention#letter")
    letter = stored_letter(fran)
    assert letter.body == FRAN_LETTER + "\n" and letter.status == "draft"
    page = client.get(PAGE).get_data(as_text=True)
    assert "Your letter is saved." in page and FRAN_LETTER in page
    # Said inside the letter's own section (where the page opens), and once.
    section = page.split('id="letter"', 1)[1].split("</section>", 1)[0]
    assert "Your letter is saved." in section
    assert "Your letter is saved." not in client.get(PAGE).get_data(as_text=True)

    edited = FRAN_LETTER + " Please come with us today."
    response = post_letter(client, edited, version_on(page), "share")
    assert response.status_code == 302
    letter = stored_letter(fran)
    assert letter.status == "shared" and "Please come with us today." in letter.body
    page = client.get(PAGE).get_data(as_text=True)
    assert "With your interventionist" in page
    assert 'name="letter-body"' not in page  # nothing to edit while staff read it
    assert "Please come with us today." in page


@pytest.mark.parametrize("status", ["shared", "final"])
def test_a_letter_with_staff_or_final_cannot_be_changed(team, as_user, status):
    client = as_user(team["fran"])
    fran = team["members"]["fran"]
    post_letter(client, FRAN_LETTER, "")
    version = version_on(client.get(PAGE).get_data(as_text=True))
    post_letter(client, FRAN_LETTER, version, "share")
    if status == "final":
        staff_do(team, "fran", "finalize_letter")
    version = str(stored_letter(fran).version)

    typed = "Changed words that must not be saved while the letter is locked."
    for action in ("save", "share"):
        response = post_letter(client, typed, version, action)
        assert response.status_code == 409
        html = response.get_data(as_text=True)
        assert typed in html  # what was typed is kept on the page
        letter = stored_letter(fran)
        assert letter.body == FRAN_LETTER + "\n" and letter.status == status
    if status == "final":
        page = text_of(client.get(PAGE))
        assert "Final" in page and "This letter is locked" in page
        assert "call Olivia Owner" in page


def test_a_stale_tab_answers_409_and_keeps_what_was_typed(team, as_user):
    client = as_user(team["fran"])
    fran = team["members"]["fran"]
    post_letter(client, FRAN_LETTER, "")
    old_tab = version_on(client.get(PAGE).get_data(as_text=True))
    newer = FRAN_LETTER + " Written in the second tab."
    assert post_letter(client, newer, old_tab).status_code == 302

    typed = "Typed in the first tab, which is now out of date."
    response = post_letter(client, typed, old_tab)
    assert response.status_code == 409
    html = text_of(response)
    assert typed in html and "Written in the second tab." in html
    assert "Your letter as it is saved now" in html
    assert stored_letter(fran).body == newer + "\n"
    # Saving again from that page (it carries the new version) keeps what was typed.
    again = post_letter(client, typed, version_on(response.get_data(as_text=True)))
    assert again.status_code == 302
    assert stored_letter(fran).body == typed + "\n"


def test_a_member_reads_the_comments_on_their_own_letter_edits_and_shares_again(team, as_user):
    client = as_user(team["fran"])
    fran = team["members"]["fran"]
    post_letter(client, FRAN_LETTER, "", "share")
    assert stored_letter(fran).status == "shared"
    staff_do(team, "fran", "return_letter", FRAN_COMMENT)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Comments from your interventionist" in page
    assert FRAN_COMMENT in text_of(client.get(PAGE))
    assert "Olivia Owner" in page
    # Another member's comments are not here.
    assert SAM_COMMENT not in page and PAT_COMMENT not in page

    response = post_letter(client, FRAN_LETTER + " Will you go today?", version_on(page), "share")
    assert response.status_code == 302
    assert stored_letter(fran).status == "shared"
    staff_do(team, "fran", "finalize_letter")
    text = text_of(client.get(PAGE))
    assert "Final" in text and "Will you go today?" in text


def test_sharing_an_empty_letter_is_refused_with_a_message(team, as_user):
    client = as_user(team["fran"])
    response = post_letter(client, "   ", "", "share")
    assert response.status_code == 422
    assert "Write the letter before sharing it." in response.get_data(as_text=True)
    letter = stored_letter(team["members"]["fran"])
    assert letter is None or letter.status == "draft"


# ---- bottom line and commitments ------------------------------------------------------


def test_a_member_saves_their_bottom_line_and_commitments(team, as_user):
    client = as_user(team["fran"])
    fran = team["members"]["fran"]
    response = client.post(PAGE, data={"bottom-text": FRAN_BOTTOM, "bottom-save": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(BottomLine.text).where(BottomLine.member_id == fran.id)) == (
        FRAN_BOTTOM
    )
    assert FRAN_BOTTOM in text_of(client.get(PAGE))

    words = "I will stop answering his texts for money."
    response = client.post(
        PAGE,
        data={"stop-behaviours": ["giving_money", "covering_up"], "stop-own_words": words},
    )
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(
        select(EnablingCommitment).where(EnablingCommitment.member_id == fran.id)
    ).all()
    # Words of her own tick "something else" for her.
    assert sorted(r.behaviour for r in rows) == ["covering_up", "giving_money", "other"]
    assert [r.own_words for r in rows if r.behaviour == "other"] == [words]
    page = client.get(PAGE).get_data(as_text=True)
    assert 'value="giving_money" checked' in page or 'checked id="stop-behaviours-0"' in page
    assert words in page


# ---- bad input -------------------------------------------------------------------------


def test_bad_input_gets_the_form_again_with_its_message(team, as_user):
    client = as_user(team["fran"])
    long_letter = "word " * 4001
    response = post_letter(client, long_letter, "")
    assert response.status_code == 422
    assert "A letter holds at most 20,000 characters." in response.get_data(as_text=True)
    assert stored_letter(team["members"]["fran"]) is None

    response = client.post(PAGE, data={"bottom-text": "x" * 4001, "bottom-save": "1"})
    assert response.status_code == 422
    assert "at most 4,000 characters" in response.get_data(as_text=True)

    response = client.post(PAGE, data={"stop-behaviours": ["free_money"], "stop-save": "1"})
    assert response.status_code == 422
    response = client.post(PAGE, data={"stop-behaviours": ["other"], "stop-save": "1"})
    assert response.status_code == 422
    assert "Say in your own words what you will stop doing." in response.get_data(as_text=True)

    # A post that is none of the three forms, and odd versions.
    assert client.post(PAGE, data={"nothing": "1"}).status_code == 400
    assert post_letter(client, "Hello", "not-a-number").status_code == 409
    assert post_letter(client, "Hello", "9" * 40).status_code == 409


def test_csrf_is_enforced(team, make_app_with):
    app = make_app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"email": team["fran"].email, "password": PASSWORD, "csrf_token": token},
    )
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    refused = client.post(PAGE, data={"letter-body": FRAN_LETTER, "letter-save": "1"})
    assert refused.status_code == 400
    refused = client.post(PAGE, data={"bottom-text": FRAN_BOTTOM, "bottom-save": "1"})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Letter.id)) is not None  # the fixture's letters only
        assert not db.session.scalars(
            select(BottomLine).where(BottomLine.text == FRAN_BOTTOM)
        ).all()
    token = re.search(
        r'id="letter-csrf_token" name="letter-csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert token
    accepted = client.post(
        PAGE,
        data={
            "letter-csrf_token": token.group(1),
            "letter-body": FRAN_LETTER,
            "letter-version": "",
            "letter-save": "1",
        },
    )
    assert accepted.status_code == 302


# ---- who gets nothing ---------------------------------------------------------------


def test_a_family_member_of_another_case_gets_nothing(team, as_user):
    client = as_user(team["olive"])
    response = client.get(PAGE)
    assert response.status_code == 200
    text = text_of(response)
    assert "has not started planning the intervention yet" in text
    assert "Harborview" not in text and "8 Elm Court" not in text
    assert 'href="/portal/intervention"' not in client.get("/portal/").get_data(as_text=True)
    for data in (
        {"letter-body": "Mine now", "letter-version": "", "letter-save": "1"},
        {"bottom-text": "Mine now", "bottom-save": "1"},
        {"stop-behaviours": ["giving_money"], "stop-save": "1"},
    ):
        assert client.post(PAGE, data=data).status_code == 404
    db.session.expire_all()
    assert not db.session.scalars(select(Letter).where(Letter.body.contains("Mine now"))).all()


def test_a_member_of_the_case_who_is_not_on_the_team_gets_a_kind_explanation(
    team, factory, as_user
):
    nico = factory.family_member(team["case"], name="Nico Nephew")
    client = as_user(nico)
    text = text_of(client.get(PAGE))
    assert "You are not on the team for the intervention right now." in text
    assert "Harborview" not in text and "8 Elm Court" not in text
    assert client.post(PAGE, data={"bottom-text": "x", "bottom-save": "1"}).status_code == 404
    # A member removed from the team is no longer on it.
    with acting_as(team["owner"]):
        iv.remove_member(team["case"], db.session.merge(team["members"]["pat"]))
    db.session.commit()
    assert "not on the team" in text_of(as_user(team["pat"]).get(PAGE))


def test_a_staff_login_cannot_open_the_portal_page(team, as_user):
    assert as_user(team["owner"]).get(PAGE).status_code == 403


# ---- nothing of anyone else's, anywhere a member can go -----------------------------


def secrets_of(team) -> dict[str, set[str]]:
    """Every letter body, bottom line, returned comment and own-words line,
    by whose it is; staff notes belong to nobody in the family."""
    found: dict[str, set[str]] = {"staff": set(STAFF_NOTES.values()) | set(CLINICAL)}
    db.session.expire_all()
    for who, member in team["members"].items():
        member = db.session.merge(member)
        mine = found.setdefault(who, set())
        letter = member.letter
        if letter is not None:
            mine.add(letter.body.strip())
            mine |= {e.comment for e in iv.letter_history(letter) if e.comment}
            mine |= {e.body.strip() for e in iv.letter_history(letter) if e.body}
        bottom = iv.bottom_line_of(member)
        if bottom is not None:
            mine.add(bottom.text)
        mine |= {c.own_words for c in iv.commitments_of(member) if c.own_words}
    return found


def test_no_member_ever_sees_another_members_letter_bottom_line_or_comments(team, as_user, app):
    # Fran writes and shares hers; staff return it with a comment.
    fran_client = as_user(team["fran"])
    post_letter(fran_client, FRAN_LETTER, "", "share")
    fran_client.post(PAGE, data={"bottom-text": FRAN_BOTTOM, "bottom-save": "1"})
    staff_do(team, "fran", "return_letter", FRAN_COMMENT)
    secrets = secrets_of(team)
    assert FRAN_COMMENT in secrets["fran"] and SAM_COMMENT in secrets["sam"]
    assert len(secrets["sam"]) >= 4 and len(secrets["pat"]) >= 4 and len(secrets["dana"]) >= 2

    readers = {"fran": team["fran"], "sam": team["sam"], "pat": team["pat"], "olive": team["olive"]}
    for who, user in readers.items():
        texts = crawl(as_user(user))
        if who != "olive":
            assert PAGE in texts, f"{who} reaches their page by links"
            assert any(u.endswith(".pdf") for u in texts), "the family packet was searched"
            assert any(u.endswith(".ics") for u in texts), "a session file was searched"
        for owner_of, lines in secrets.items():
            if owner_of == who:
                continue
            for where, text in texts.items():
                leaked = [line for line in lines if " ".join(line.split()) in text]
                assert not leaked, f"{who} sees {owner_of}'s words at {where}: {leaked[:1]}"
        if who in ("fran", "sam", "pat"):
            # The search works: the member's own words are on their own page.
            own = texts[PAGE]
            assert all(
                " ".join(line.split()) in own
                for line in secrets[who]
                if line in (FRAN_LETTER, FRAN_BOTTOM, FRAN_COMMENT, SAM_COMMENT, PAT_BOTTOM)
            )
    assert FRAN_COMMENT in crawl(as_user(team["fran"]))[PAGE]
    assert SAM_BOTTOM in crawl(as_user(team["sam"]))[PAGE]


# ---- the audit trail ----------------------------------------------------------------


def test_every_read_and_write_is_audited_without_the_words(team, as_user):
    client = as_user(team["fran"])
    before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    client.get(PAGE)
    post_letter(client, FRAN_LETTER, "", "share")
    client.post(PAGE, data={"bottom-text": FRAN_BOTTOM, "bottom-save": "1"})
    client.post(PAGE, data={"stop-behaviours": ["giving_money"], "stop-save": "1"})
    db.session.expire_all()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)
    ).all()
    mine = [e for e in events if e.actor_id == team["fran"].id]
    assert all(e.case_id == team["case"].id for e in mine)
    actions = [(e.action, e.object_type) for e in mine]
    assert ("view", "TeamMember") in actions
    assert ("update", "Letter") in actions
    summaries = " ".join(e.summary or "" for e in mine)
    assert "shared for review" in summaries and "Bottom line" in summaries
    assert "Enabling commitments" in summaries
    for words in ("canoe", "midnight", FRAN_LETTER[:20]):
        assert words not in summaries


def test_a_letter_typed_past_the_idle_limit_comes_back_after_sign_in(team, make_app_with):
    from datetime import UTC, datetime

    app = make_app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()

    def sign_in():
        token = csrf_token(client.get("/login").get_data(as_text=True))
        return client.post(
            "/login",
            data={"email": team["fran"].email, "password": PASSWORD, "csrf_token": token},
        )

    assert sign_in().status_code == 302
    html = client.get(PAGE).get_data(as_text=True)
    token = re.search(r'name="letter-csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    with client.session_transaction() as session:
        session["seen"] = datetime.now(UTC).timestamp() - 16 * 60  # she wrote for a while
    response = client.post(
        PAGE,
        data={
            "letter-csrf_token": token,
            "letter-body": FRAN_LETTER,
            "letter-version": "",
            "letter-save": "1",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert stored_letter(team["members"]["fran"]) is None  # nobody was signed in
    back = sign_in()
    assert back.headers["Location"].endswith(PAGE)
    page = client.get(PAGE).get_data(as_text=True)
    assert "What you typed is back in the form" in page
    assert FRAN_LETTER.replace("'", "&#39;") in page
    # Saving it now (with its version) keeps it.
    token = re.search(r'name="letter-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    saved = client.post(
        PAGE,
        data={
            "letter-csrf_token": token,
            "letter-body": FRAN_LETTER,
            "letter-version": version_on(page),
            "letter-save": "1",
        },
    )
    assert saved.status_code == 302
    assert stored_letter(team["members"]["fran"]).body == FRAN_LETTER + "\n"
