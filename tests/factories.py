"""Test factories, on the builders the demo practice uses (casework.demo.builders).

Each call commits, so a test can use what it made straight away. Accounts get
a light argon2id hash of PASSWORD (signing in many times stays quick) and cases
are placed in the state asked for, without a history in the audit log. For a
case with its history, call the builders themselves inside `builders.at(...)`.
"""

from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import select

from casework.auth.models import Role, User
from casework.cases.models import Contact, FamilyCase
from casework.consent.models import Consent, ConsentKind
from casework.demo import builders
from casework.domain.consent import KIND_LABELS, Kind, Scope
from casework.extensions import db
from casework.timeutil import utcnow

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

    def give_consent(
        self,
        case: FamilyCase,
        contacts=(),
        scopes=(Scope.SESSIONS, Scope.PACKETS, Scope.INTERVENTION, Scope.AFTERCARE),
        *,
        kind: str = Kind.FAMILY_INVOLVEMENT,
        subject=None,
        signed: bool = True,
        signed_via: str = "paper",
        expires_on=None,
        expiry_event: str = "",
        revoked: bool = False,
        **fields,
    ) -> Consent:
        """A consent on the case: by default the loved one's, signed on paper
        yesterday, letting the practice share the family scopes with
        `contacts` (Contact records, or family Users, whose contact is used)."""
        recipients = [self._contact_of(case, c) for c in contacts]
        actor = db.session.get(User, case.interventionist_id)
        signed_at = fields.pop("signed_at", utcnow() - timedelta(days=1)) if signed else None
        consent = Consent(
            case_id=case.id,
            kind_id=self.consent_kind(kind).id,
            subject_contact_id=self._contact_of(case, subject).id if subject else None,
            discloser=fields.pop("discloser", "The practice and its interventionists"),
            purpose=fields.pop("purpose", "To involve my family in my care"),
            scopes=[str(s) for s in scopes],
            expires_on=expires_on,
            expiry_event=expiry_event or ("" if expires_on else "When the case closes"),
            signed_via=signed_via if signed else None,
            signed_name=fields.pop("signed_name", case.loved_one_name) if signed else None,
            signed_at=signed_at,
            scan_received_on=signed_at.date() if signed and signed_via == "paper" else None,
            signed_recorded_by_id=actor.id if signed and signed_via == "paper" else None,
            revoked_at=utcnow() if revoked else None,
            revoked_by_user_id=actor.id if revoked else None,
            created_by_id=actor.id,
            **fields,
        )
        consent.recipients = recipients
        db.session.add(consent)
        db.session.commit()
        return consent

    def consent_kind(self, code: str = Kind.FAMILY_INVOLVEMENT) -> ConsentKind:
        """The kind with this code (made on first use, as the practice's own would be)."""
        code = str(code)
        found = db.session.scalar(select(ConsentKind).where(ConsentKind.code == code))
        if found is None:
            label = KIND_LABELS.get(code, code.replace("_", " ").capitalize())
            found = ConsentKind(code=code, label=label, default_purpose="", default_scopes=[])
            db.session.add(found)
            db.session.flush()
        return found

    @staticmethod
    def _contact_of(case: FamilyCase, person) -> Contact:
        if isinstance(person, Contact):
            return person
        return db.session.scalar(
            select(Contact).where(Contact.case_id == case.id, Contact.user_id == person.id)
        )
