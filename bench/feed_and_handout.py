"""Calendar feed statements at 10 and 500 sessions; handout render, cold and cached.

Run: .venv/bin/python -m bench.feed_and_handout
"""

import os
import secrets
import tempfile
import time
from datetime import timedelta

from sqlalchemy import event, select


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(SECRET_KEY="bench", DATABASE_URL=f"sqlite:///{tmp}/b.sqlite3")
        from flask_migrate import upgrade

        from casework import create_app, demo
        from casework.cases.models import FamilyCase
        from casework.extensions import db
        from casework.printing.models import PrintedDocument
        from casework.scheduling.models import CalendarFeed, CaseSession, feed_token_hash
        from casework.timeutil import utcnow

        app = create_app(
            {
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
                # The bench times the feed and the handout, not signing in.
                "TWO_FACTOR_REQUIRED_FOR_STAFF": False,
            }
        )
        with app.app_context():
            upgrade()
            demo.seed_practice("bench-password")
            db.session.commit()
            from casework.auth.models import User

            # A fresh interventionist, so the feed holds exactly the sessions added here.
            me = User(
                email="bench@example.org",
                name="Bench Person",
                role="interventionist",
                password_hash=db.session.scalar(select(User.password_hash).limit(1)),
            )
            db.session.add(me)
            db.session.flush()
            for row in db.session.scalars(select(FamilyCase).limit(5)):
                row.interventionist_id = me.id
            token = secrets.token_urlsafe(32)
            db.session.add(CalendarFeed(user_id=me.id, token_hash=feed_token_hash(token)))
            db.session.commit()
            user_id = me.id
            cases = [c for c in demo_cases(db, user_id)]
            statements = []
            event.listen(
                db.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
            )

            def sessions_in_feed():
                return db.session.query(CaseSession).filter_by(lead_id=user_id).count()

            client = app.test_client()
            for target in (10, 500):
                existing = sessions_in_feed()
                for i in range(existing, target):
                    db.session.add(
                        CaseSession(
                            case_id=cases[i % len(cases)],
                            lead_id=user_id,
                            kind="follow_up",
                            title="Follow-up",
                            starts_at=utcnow() + timedelta(hours=3 * i),
                            duration_minutes=60,
                        )
                    )
                db.session.commit()
                feed_count = sessions_in_feed()
                statements.clear()
                started = time.perf_counter()
                response = client.get(f"/calendar/feed/{token}.ics")
                took = (time.perf_counter() - started) * 1000
                events = response.data.count(b"BEGIN:VEVENT")
                print(
                    f"feed with {feed_count} sessions ({events} events): "
                    f"{len(statements)} statements, {took:.0f} ms"
                )

            staff = app.test_client()
            staff.post("/login", data={"email": "bench@example.org", "password": "bench-password"})
            session = db.session.scalar(select(CaseSession).where(CaseSession.lead_id == user_id))
            url = f"/cases/{session.case.reference}/sessions/{session.id}/handout.pdf"
            staff.get(url)  # warm WeasyPrint's import and fonts
            db.session.query(PrintedDocument).delete()
            db.session.commit()
            started = time.perf_counter()
            assert staff.get(url).status_code == 200
            cold = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            runs = 20
            for _ in range(runs):
                assert staff.get(url).status_code == 200
            cached = (time.perf_counter() - started) * 1000 / runs
            print(f"handout: {cold:.0f} ms rendered (cold cache), {cached:.1f} ms cached")


def demo_cases(db, user_id):
    from casework.cases.models import FamilyCase

    return db.session.scalars(
        select(FamilyCase.id).where(FamilyCase.interventionist_id == user_id)
    ).all()


if __name__ == "__main__":
    main()
