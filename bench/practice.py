"""The practice page stays flat with a practice's size.

Two databases side by side, each seeded by `seed-demo`: the demo practice
alone, and the demo practice plus `--cases N` (a synthetic history of mostly
closed cases over many interventionists). The supervisor's `/practice/`
must run the same number of statements on both; the times are reported.

Run: .venv/bin/python -m bench.practice [sqlite|postgresql|both] [N]
"""

import sys

from bench._common import compare, scratch_database, sign_in, statements_of
from bench.caseload import seeded
from casework.extensions import db

RUNS = 15
PATH = "/practice/"
SUPERVISOR = "supervisor@example.org"


def statements(app, client) -> int:
    with app.app_context():
        engine = db.engine
    with statements_of(engine) as seen:
        assert client.get(PATH).status_code == 200
    return len(seen)


def flat(kind: str, bulk: int) -> None:
    with (
        scratch_database(kind, "practice_small") as small_url,
        scratch_database(kind, "practice_big") as big_url,
    ):
        small, big = seeded(small_url, 0), seeded(big_url, bulk)
        a, b = sign_in(small, SUPERVISOR), sign_in(big, SUPERVISOR)
        for client in (a, b):
            client.get(PATH)  # warm
        times = compare({"demo": lambda: a.get(PATH), "big": lambda: b.get(PATH)}, RUNS)
        print(
            f"{kind}: {PATH} demo {times['demo'] * 1000:.1f} ms, "
            f"demo + {bulk} cases {times['big'] * 1000:.1f} ms (medians of {RUNS}); "
            f"statements {statements(small, a)} / {statements(big, b)}"
        )


def main() -> None:
    kinds = sys.argv[1] if len(sys.argv) > 1 else "both"
    bulk = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    for kind in ("sqlite", "postgresql") if kinds == "both" else (kinds,):
        flat(kind, bulk)


if __name__ == "__main__":
    main()
