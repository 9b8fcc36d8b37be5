"""Test factories, on the builders the demo practice uses (casework.demo.builders).

Each call commits, so a test can use what it made straight away. Accounts get
a light argon2id hash of PASSWORD (signing in many times stays quick) and cases
are placed in the state asked for, without a history in the audit log. For a
case with its history, call the builders themselves inside `builders.at(...)`.
"""

from argon2 import PasswordHasher

from casework.auth.models import Role, User
from casework.cases.models import FamilyCase
from casework.demo import builders
from casework.extensions import db

PASSWORD = "correct horse battery"  # noqa: S105  test accounts only
# Still argon2id, at the lightest cost, so that signing in many times stays quick;
# the app's own hashing at argon2-cffi's defaults is tested in tests/auth.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


class Factory:
    def __init__(self):
        self.count = 0

    def _n(self) -> int:
        self.count += 1
        return self.count

    def user(self, role: Role | str = Role.INTERVENTIONIST, **fields) -> User:
        n = self._n()
        role = Role(role)
        user = builders.build_user(
            role,
            email=fields.pop("email", f"{role.value}{n}@example.org"),
            name=fields.pop("name", f"{role.value.title()} {n}"),
            password_hash=PASSWORD_HASH,
            **fields,
        )
        db.session.commit()
        return user

    def case(self, interventionist: User, contacts: int = 1, **fields) -> FamilyCase:
        n = self._n()
        fields.setdefault("loved_one_name", f"Loved One {n}")
        family = [
            {
                "name": f"Relative {n}-{i}",
                "relationship_to_loved_one": "Sister",
                "phone": "555-0100",
                "email": f"relative{n}-{i}@example.net",
            }
            for i in range(contacts)
        ]
        case = builders.place_case(interventionist, contacts=family, **fields)
        db.session.commit()
        return case

    def family_member(self, case: FamilyCase, **fields) -> User:
        user = self.user(Role.FAMILY, **fields)
        builders.link_family_member(case, user)
        db.session.commit()
        return user
