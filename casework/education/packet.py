"""An education packet as the plain dict the printer takes. (Its crisis page and
re-disclosure statement come from the Jinja globals, casework.practice_text.)"""

from casework.domain import sessions as session_rules
from casework.markdown import typeset
from casework.timeutil import to_local


def render_packet(packet, *, case, sessions) -> bytes:
    """The packet as PDF; `sessions` are the ones its schedule page lists."""
    from casework.education.service import packet_versions
    from casework.printing import render_pdf
    from casework.printing.delivery import practice_details

    return render_pdf(
        "packet.html",
        packet_context(
            packet,
            packet_versions(packet),
            case=case,
            sessions=sessions,
            practice=practice_details(),
        ),
    )


def packet_context(packet, versions, *, case, sessions, practice: dict) -> dict:
    lead = case.interventionist
    letter = letter_paragraphs(packet.cover_letter)
    return {
        "practice": practice,
        "title": packet.title,
        "family_name": packet.family_name,
        # The practice's day: a packet made at 9 pm in California is not dated tomorrow.
        "prepared_on": to_local(packet.created_at).strftime("%B %-d, %Y"),
        "interventionist": {
            "name": lead.name,
            "phone": lead.phone or practice["phone"],
            "email": lead.email,
        },
        "letter": letter,
        "modules": [
            {
                "anchor": f"m-{v.module.slug}",
                "title": v.title,
                "summary": typeset(v.summary),
                "minutes": v.reading_minutes,
                "sources": typeset(v.sources),
                "html": v.body,
            }
            for v in versions
        ],
        "schedule": [
            {
                "when": session_rules.date_in_words(to_local(s.starts_at)),
                "title": s.title,
                "place": session_rules.PLACES[s.place_kind] + (f": {s.place}" if s.place else ""),
            }
            for s in sessions
        ]
        if packet.include_schedule
        else [],
        "include_schedule": packet.include_schedule,
        "include_contacts": packet.include_contacts,
    }


def letter_paragraphs(text: str | None) -> list[list[str]]:
    """The cover letter as paragraphs, each a list of its lines: paragraphs part
    at blank lines, whatever line ends the browser sent (forms post \r\n), and a
    single line end (as before a signature) stays a line break."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs
