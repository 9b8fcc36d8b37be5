import re
from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import func, select

from casework.education import library, service
from casework.education.models import Assignment, EducationModule, ModuleVersion, Packet
from casework.extensions import db
from casework.portal.models import PortalInvite
from casework.timeutil import local_today

NASTY = """## Hello

<script>alert('x')</script>

<img src="http://example.com/track.png" onerror="alert(1)">

[click me](javascript:alert(1)) and [a real link](https://example.org/help)

![remote](http://169.254.169.254/latest/meta-data)
![local](file:///etc/passwd)
![dev](/dev/urandom)

<a href="#" onclick="alert(2)">x</a>
"""


def _tags(html: str) -> list[tuple[str, list]]:
    """Every real element in a page, with its attributes (text is not a tag)."""
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _module_post(**overrides):
    data = {
        "slug": "grief-and-addiction",
        "title": "Grief and addiction",
        "summary": "How loss and substance use can feed each other.",
        "topics": "grief, loss",
        "sources": "Our practice",
        "body": "## Loss\n\nText.",
    }
    data.update(overrides)
    return data


def test_sync_is_idempotent_and_picks_up_new_versions(app, tmp_path):
    first = library.sync()
    assert first["created"] >= 14 and first["updated"] == 0
    again = library.sync()
    assert again == {"created": 0, "updated": 0, "unchanged": first["created"]}
    # A newer file version becomes a new version; the old one stays.
    source = next(library.LIBRARY.glob("overdose-and-naloxone.md")).read_text()
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "overdose-and-naloxone.md").write_text(
        source.replace("version: 1", "version: 2").replace("## ", "## Updated: ", 1)
    )
    assert library.sync(folder) == {"created": 0, "updated": 1, "unchanged": 0}
    module = db.session.scalar(
        select(EducationModule).where(EducationModule.slug == "overdose-and-naloxone")
    )
    assert [v.number for v in module.versions] == [1, 2]
    assert "Updated:" in module.latest.body_html


def test_family_keeps_their_version_until_moved(people, as_user, tmp_path):
    library.sync()
    case, owner = people["case"], people["owner"]
    module = db.session.scalar(
        select(EducationModule).where(EducationModule.slug == "return-to-use")
    )
    contact = case.active_contacts[0]
    service.assign(case, owner, [module], [contact], due_on=None, note=None)
    db.session.commit()
    given = db.session.scalars(select(Assignment)).one().module_version_id
    folder = tmp_path / "lib"
    folder.mkdir()
    text = (library.LIBRARY / "return-to-use.md").read_text().replace("version: 1", "version: 2")
    (folder / "return-to-use.md").write_text(text)
    library.sync(folder)
    db.session.commit()
    assignment = db.session.scalars(select(Assignment)).one()
    assert assignment.module_version_id == given
    client = as_user(owner)
    page = client.get(f"/cases/{case.reference}/education/").get_data(as_text=True)
    assert "Move to version 2" in page
    client.post(f"/cases/{case.reference}/education/assignments/{assignment.id}/latest")
    db.session.refresh(assignment)
    assert assignment.module_version.number == 2


def test_library_page_searches_by_title_and_topic(people, as_user):
    library.sync()
    client = as_user(people["owner"])
    page = client.get("/education/").get_data(as_text=True)
    assert page.count('href="/education/') >= 14
    by_title = client.get("/education/?q=boundaries").get_data(as_text=True)
    assert "Boundaries" in by_title and "Naloxone" not in by_title
    by_topic = client.get("/education/?q=naloxone").get_data(as_text=True)
    assert "Overdose" in by_topic


def test_practice_module_markdown_is_cleaned(people, as_user):
    client = as_user(people["owner"])
    preview = client.post("/education/new", data=_module_post(body=NASTY, preview="1"))
    assert preview.status_code == 200
    assert _count(EducationModule) == 0  # a preview saves nothing
    response = client.post("/education/new", data=_module_post(body=NASTY))
    assert response.status_code == 302
    stored = db.session.scalars(select(ModuleVersion)).one().body_html
    page = client.get("/education/grief-and-addiction/").get_data(as_text=True)
    clock = '<script src="/static/js/session.js" defer></script>'  # the app's own idle clock
    previewed = preview.get_data(as_text=True).replace(clock, "")
    for html in (stored, previewed, page.replace(clock, "")):
        tags = _tags(html)
        assert "script" not in [t for t, _ in tags] and "img" not in [t for t, _ in tags]
        for _, attrs in tags:
            assert not any(name.startswith("on") for name, _ in attrs), attrs
            assert not any((value or "").startswith("javascript:") for _, value in attrs)
    assert 'href="https://example.org/help"' in stored
    assert "alert" not in stored.replace("javascript:alert(1)", "")  # scripts dropped whole


def test_practice_module_cannot_make_the_packet_fetch_anything(people, monkeypatch):
    """Whatever a module's Markdown points at, the PDF renderer fetches only static files."""
    from casework.printing import fetcher as print_fetcher

    fetched = []
    original = print_fetcher.StaticOnlyFetcher.fetch

    def spy(self, url, *args, **kwargs):
        fetched.append(url)
        return original(self, url, *args, **kwargs)

    monkeypatch.setattr(print_fetcher.StaticOnlyFetcher, "fetch", spy)
    case, owner = people["case"], people["owner"]
    module = service.write_module(
        owner, None, slug="nasty", title="Nasty", summary="x", topics=None, body=NASTY, sources=None
    )
    packet = service.create_packet(
        case,
        owner,
        title="Test",
        family_name="Doe",
        cover_letter=None,
        versions=[module.latest],
        include_schedule=False,
        include_contacts=True,
    )
    from casework.education.packet import render_packet

    pdf = render_packet(packet, case=case, sessions=[])
    assert pdf.startswith(b"%PDF")
    assert fetched, "the fetcher was not used at all"
    assert all("/static/" in url for url in fetched), fetched


def test_assign_and_see_progress_and_overdue_next_step(people, as_user):
    library.sync()
    case, owner = people["case"], people["owner"]
    modules = db.session.scalars(
        select(EducationModule).order_by(EducationModule.slug).limit(2)
    ).all()
    contacts = case.active_contacts[:2]
    client = as_user(owner)
    response = client.post(
        f"/cases/{case.reference}/education/assign",
        data={
            "modules": [str(m.id) for m in modules],
            "contacts": [str(c.id) for c in contacts],
            "due_on": (local_today() - timedelta(days=1)).isoformat(),
            "note": "Start here",
        },
    )
    assert response.status_code == 302
    assert _count(Assignment) == 4
    # Assigning again makes no duplicates.
    client.post(
        f"/cases/{case.reference}/education/assign",
        data={"modules": [str(modules[0].id)], "contacts": [str(contacts[0].id)]},
    )
    assert _count(Assignment) == 4
    page = client.get(f"/cases/{case.reference}/education/").get_data(as_text=True)
    assert page.count("Overdue") == 4 and "0 of 2 finished" in page
    assert "Follow up on overdue reading" in client.get("/cases/").get_data(as_text=True)
    first = db.session.scalars(select(Assignment)).first()
    service.mark_finished(first)
    db.session.commit()
    page = client.get(f"/cases/{case.reference}/education/").get_data(as_text=True)
    assert "1 of 2 finished" in page


def test_invite_shows_a_link_once(people, as_user):
    case = people["case"]
    contact = case.active_contacts[0]
    client = as_user(people["owner"])
    page = client.post(f"/cases/{case.reference}/contacts/{contact.id}/invite")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    link = re.search(r'value="(http://localhost/invite/[^"]+)"', html)
    assert link, "no invitation link on the page"
    again = client.get(f"/cases/{case.reference}/education/").get_data(as_text=True)
    assert link.group(1) not in again


def _pdf_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(BytesIO(pdf)).pages]


def test_packet_reads_like_a_booklet(people, as_user):
    library.sync()
    case, owner = people["case"], people["owner"]
    owner.phone = "(555) 010-0102"
    db.session.commit()
    wanted = ["writing-your-letter", "enabling-versus-supporting", "overdose-and-naloxone"]
    versions = {m.slug: m.latest for m in db.session.scalars(select(EducationModule))}
    client = as_user(owner)
    form = {
        "title": "Getting ready together",
        "family_name": "Whitaker",
        "modules": [str(versions[s].id) for s in wanted],
        "cover_letter": "Dear Whitaker family,\n\nThank you for your courage.",
        "include_contacts": "y",
    }
    # Order numbers put "enabling" first, then "overdose", then the letter module.
    form.update(
        {
            f"pos-{versions['enabling-versus-supporting'].id}": "1",
            f"pos-{versions['overdose-and-naloxone'].id}": "2",
            f"pos-{versions['writing-your-letter'].id}": "3",
        }
    )
    response = client.post(f"/cases/{case.reference}/packets/new", data=form)
    assert response.status_code == 302
    packet = db.session.scalars(select(Packet)).one()
    pdf = client.get(f"/cases/{case.reference}/packets/{packet.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages = _pdf_text(pdf.data)
    text = "\n".join(pages)
    assert "Prepared for the Whitaker family" in pages[0]
    assert "Page 1 of" in pages[0]
    contents = pages[1]
    assert "Contents" in contents
    order = [
        versions[s].title
        for s in ("enabling-versus-supporting", "overdose-and-naloxone", "writing-your-letter")
    ]
    positions = [contents.index(title) for title in order]
    assert positions == sorted(positions)
    # Each contents entry ends with the page its module starts on.
    for title in order:
        line = next(line for line in contents.splitlines() if title in line)
        number = int(re.search(r"(\d+)\s*$", line).group(1))
        assert title in pages[number - 1]
    assert "Thank you for your courage." in text
    assert "988" in text and "911" in text and "1-800-222-1222" in text
    # The running header names the module on its later pages.
    assert sum(order[0] in p for p in pages) >= 2
    client.post(f"/cases/{case.reference}/packets/{packet.id}/share")
    db.session.refresh(packet)
    assert packet.shared_at is not None


def test_bad_module_and_packet_input_is_refused_clearly(people, as_user):
    library.sync()
    client = as_user(people["owner"])
    for bad in (
        {"slug": "Bad Slug!"},
        {"title": ""},
        {"body": ""},
        {"title": "x" * 10_000},
        {"slug": "x" * 10_000},
        {"body": "y" * 60_000},
    ):
        response = client.post("/education/new", data=_module_post(**bad))
        assert response.status_code == 422, bad
    taken = client.post("/education/new", data=_module_post(slug="return-to-use"))
    assert taken.status_code == 422 and "already uses" in taken.get_data(as_text=True)
    case = people["case"]
    any_version = db.session.scalars(select(ModuleVersion)).first()
    for bad in (
        {"modules": ["99999"]},
        {"modules": ["abc"]},
        {"modules": []},
        {"modules": [str(any_version.id)], f"pos-{any_version.id}": "first"},
        {"modules": [str(any_version.id)], "family_name": ""},
    ):
        data = {"title": "T", "family_name": "Doe", **bad}
        response = client.post(f"/cases/{case.reference}/packets/new", data=data)
        assert response.status_code == 422, bad
    for bad in (
        {"modules": ["99999"], "contacts": ["1"]},
        {"modules": [], "contacts": []},
        {"modules": ["1"], "contacts": ["abc"]},
        {"due_on": "soon"},
    ):
        response = client.post(f"/cases/{case.reference}/education/assign", data=bad)
        assert response.status_code == 422, bad
    assert _count(Packet) == 0 and _count(Assignment) == 0


def test_a_contact_needs_an_email_before_an_invitation(people, as_user):
    case = people["case"]
    contact = case.active_contacts[0]
    contact.email = None
    db.session.commit()
    client = as_user(people["owner"])
    response = client.post(f"/cases/{case.reference}/contacts/{contact.id}/invite")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contacts/{contact.id}/edit")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Add an email address for" in page
    assert _count(PortalInvite) == 0
