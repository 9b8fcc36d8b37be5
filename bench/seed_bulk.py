"""How long `seed-demo --cases 100000` takes on a fresh SQLite database.

Run: .venv/bin/python -m bench.seed_bulk [N]
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLASK = str(Path(sys.executable).with_name("flask"))


def main(count: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/b.sqlite3"}
        run = [FLASK, "--app", "casework"]
        subprocess.run([*run, "db", "upgrade"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run(
            [*run, "seed-demo", "--password", "bench-password", "--cases", str(count)],
            env=env,
            check=True,
        )
        print(f"seed-demo --cases {count}: {time.perf_counter() - started:.1f} s (whole command)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
