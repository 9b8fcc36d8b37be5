"""The shipped modules: Markdown files with front matter, synced by slug and version."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from casework import markdown
from casework.education.models import EducationModule, ModuleVersion
from casework.extensions import db

LIBRARY = Path(__file__).with_name("library")
REQUIRED = ("slug", "title", "audience", "summary", "reading_time", "version", "sources")


class LibraryError(ValueError):
    pass


@dataclass(frozen=True)
class ShippedModule:
    slug: str
    title: str
    audience: str
    summary: str
    reading_time: int
    version: int
    topics: str
    sources: str
    body: str


def parse(text: str, name: str = "module") -> ShippedModule:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise LibraryError(f"{name}: no front matter")
    try:
        end = lines.index("---", 1)
    except ValueError as exc:
        raise LibraryError(f"{name}: front matter is not closed") from exc
    meta = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise LibraryError(f"{name}: front matter lacks {', '.join(missing)}")
    try:
        reading_time, version = int(meta["reading_time"]), int(meta["version"])
    except ValueError as exc:
        raise LibraryError(f"{name}: reading_time and version must be whole numbers") from exc
    return ShippedModule(
        slug=meta["slug"],
        title=meta["title"],
        audience=meta["audience"],
        summary=meta["summary"],
        reading_time=reading_time,
        version=version,
        topics=meta.get("topics", ""),
        sources=meta["sources"],
        body="\n".join(lines[end + 1 :]).strip() + "\n",
    )


def shipped(folder: Path = LIBRARY) -> list[ShippedModule]:
    return [
        parse(path.read_text(encoding="utf-8"), path.name) for path in sorted(folder.glob("*.md"))
    ]


def new_version(
    module: EducationModule,
    number: int,
    *,
    title: str,
    summary: str,
    body: str,
    sources: str | None,
    reading_time: int | None = None,
) -> ModuleVersion:
    version = ModuleVersion(
        module=module,
        number=number,
        title=title,
        summary=summary,
        sources=sources,
        body_markdown=body,
        body_html=markdown.render(body),
        reading_minutes=reading_time or markdown.reading_minutes(body),
    )
    db.session.add(version)
    return version


def sync(folder: Path = LIBRARY) -> dict[str, int]:
    """Load new shipped modules and newer versions; leave the rest alone."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {m.slug: m for m in db.session.scalars(select(EducationModule))}
    for item in shipped(folder):
        module = existing.get(item.slug)
        if module is not None and module.origin != "library":
            raise LibraryError(f"{item.slug}: a practice module already uses this slug")
        if module is None:
            module = EducationModule(
                slug=item.slug, origin="library", topics=item.topics, audience=item.audience
            )
            db.session.add(module)
            counts["created"] += 1
        elif module.latest.number >= item.version:
            counts["unchanged"] += 1
            continue
        else:
            counts["updated"] += 1
        module.topics = item.topics
        new_version(
            module,
            item.version,
            title=item.title,
            summary=item.summary,
            body=item.body,
            sources=item.sources,
            reading_time=item.reading_time,
        )
    db.session.flush()
    return counts
