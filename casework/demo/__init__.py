"""A fictional practice for demos and benchmarks. Every person is invented.

The records live in `data/*.toml`; `seed_practice` replays the named practice
through the services, `bulk_cases` adds a practice's history in bulk.
Neither commits: the command that calls them does.
"""

from casework.demo.practice import has_accounts, seed_practice
from casework.demo.synthetic import bulk_cases

__all__ = ["bulk_cases", "has_accounts", "seed_practice"]
