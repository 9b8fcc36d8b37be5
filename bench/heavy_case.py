"""Every tab of a case a year into the work against the same tab of a fresh case.

Run: .venv/bin/python -m bench.heavy_case [sqlite|postgresql ...]
Target: each tab of the heavy case costs at most 1.3 x the fresh case's time,
with the same number of SQL statements (tests/cases/test_heavy_case.py holds that).

Both cases live in one database, belong to one interventionist and have two
contacts; the heavy one also has 500 sessions, 60 screenings and 600 timeline
events (bench.workload.HEAVY). Tabs are the ones the case sections register.
The two sides alternate, garbage is collected before every run, medians of RUNS.
"""

import os
import sys

from bench._common import compare_both, make_app, scratch_database, sign_in, statements_of

RUNS = int(os.environ.get("BENCH_RUNS", "21"))


def build(url: str):
    from bench.workload import heavy_history, new_case, staff
    from casework.extensions import db

    app = make_app(url)
    with app.app_context():
        lead = staff()
        fresh = new_case(lead, loved_one_name="Fresh Case")
        heavy = new_case(lead, loved_one_name="Heavy Case")
        heavy_history(heavy, lead)
        db.session.commit()
        refs = {"fresh": fresh.reference, "heavy": heavy.reference}
    return app, sign_in(app, "bench@example.org"), refs


def tab_urls(app, ref: str) -> dict[str, str]:
    from flask import url_for

    from casework.cases import sections

    with app.test_request_context():
        return {tab.label: url_for(tab.endpoint, ref=ref) for tab in sections.tabs()}


def main(kinds: list[str]) -> None:
    from casework.extensions import db

    for kind in kinds:
        with scratch_database(kind, "heavy_case") as database:
            app, client, refs = build(database)
            urls = {side: tab_urls(app, ref) for side, ref in refs.items()}
            print(f"{kind}: fresh {refs['fresh']} against heavy {refs['heavy']}, medians of {RUNS}")
            worst = 0.0
            for tab in urls["fresh"]:
                sides = {}
                counts = {}
                for side in ("fresh", "heavy"):
                    url = urls[side][tab]

                    def get(url=url, client=client):
                        response = client.get(url)
                        assert response.status_code == 200, (url, response.status_code)

                    get()  # warm
                    with app.app_context(), statements_of(db.engine) as statements:
                        get()
                    sides[side], counts[side] = get, len(statements)
                medians, cpu = compare_both(sides, RUNS)
                ratio = medians["heavy"] / medians["fresh"]
                worst = max(worst, ratio)
                print(
                    f"  {tab:12} fresh {medians['fresh'] * 1000:7.2f} ms   "
                    f"heavy {medians['heavy'] * 1000:7.2f} ms   = {ratio:.2f} x   "
                    f"(CPU {cpu['fresh'] * 1000:6.2f} / {cpu['heavy'] * 1000:6.2f} ms "
                    f"= {cpu['heavy'] / cpu['fresh']:.2f} x)   "
                    f"statements {counts['fresh']} / {counts['heavy']}"
                )
            print(f"  worst tab: {worst:.2f} x (target <= 1.3 x)")
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:] or ["sqlite", "postgresql"])
