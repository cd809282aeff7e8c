"""Deterministic demo data that looks like the real thing (used by `seed_demo`).

Everything random comes from one `random.Random(seed)` and is drawn in a fixed order,
so the same seed, scale and date give the same database. Rows are bulk-inserted:
the demo adds tens of thousands of rows and must stay quick on SQLite.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from simple_history.utils import bulk_update_with_history

from committees.models import CommitteeMembership, CommitteeStatus, MembershipRole
from committees.models import SelectionCommittee as Committee
from departments.access import GROUP_NAMES, Role, ensure_groups
from departments.models import ENFORCEMENT_HISTORY_SINCE, Department, EnforcementMode, Person
from departments.names import split_particle
from reports.stored import figures_rebuild
from trainings.models import (
    CompletionStatus,
    Evaluation,
    Supplier,
    Tender,
    TrainingCompletion,
    TrainingProgramme,
    TrainingSession,
)

TENDER_DEPARTMENTS = ("BZK", "FIN", "IenW", "JenV", "LVVN", "OCW", "SZW", "VWS", "EZ")
# Relative size of each department's workforce (people and committees).
DEPARTMENT_WEIGHTS = {
    "AZ": 1, "BZ": 5, "BZK": 8, "DEF": 14, "EZ": 5, "FIN": 12, "IenW": 10, "JenV": 16,
    "KGG": 2, "LVVN": 6, "OCW": 5, "SZW": 4, "VWS": 5, "VRO": 2, "AenM": 5,
}  # fmt: skip
# Share of committee members trained before their interview, by interview year:
# slow at first, rising after the interventions, strongly in the last year.
TRAINED_SHARE = {2021: 0.22, 2022: 0.30, 2023: 0.38, 2024: 0.47, 2025: 0.72, 2026: 0.84}
FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chantal",
    "Daan",
    "Esra",
    "Fatima",
    "Gijs",
    "Hanna",
    "Ibrahim",
    "Jasper",
    "Kim",
    "Lotte",
    "Mohammed",
    "Noor",
    "Olga",
    "Pieter",
    "Quinten",
    "Rachida",
    "Sanne",
    "Thijs",
    "Umut",
    "Vera",
    "Willem",
    "Xander",
    "Yara",
    "Zeynep",
    "Ahmed",
    "Bianca",
    "Cees",
    "Demi",
    "Emre",
    "Femke",
    "Gerrit",
    "Hatice",
    "Ilse",
    "Jeroen",
    "Karin",
    "Liam",
    "Marieke",
    "Nadia",
    "Omar",
    "Petra",
    "Ruud",
    "Sophie",
    "Tamara",
    "Ugur",
    "Vincent",
    "Wendy",
    "Youssef",
    "Anouk",
    "Bas",
    "Charlotte",
    "Dirk",
    "Eva",
    "Floor",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "Yılmaz",
    "El Amrani",
    "Bennani",
    "Kaya",
    "Öztürk",
    "Ramdin",
    "Soekhoe",
    "Nguyen",
    "Wong",
    "Pinas",
    "Martina",
    "Kramer",
    "van Wijk",
    "Postma",
    "Huisman",
    "Willems",
    "van Vliet",
    "Hoekstra",
    "Verhoeven",
    "Prins",
]
PLACES = ("Den Haag", "Utrecht", "Amsterdam", "Zwolle", "Rotterdam", "Groningen", "Eindhoven")
VACANCIES = (
    "Beleidsmedewerker", "Senior beleidsadviseur", "Jurist", "Projectleider",
    "Financieel adviseur", "Data-analist", "Communicatieadviseur", "HR-adviseur",
    "Teamleider", "Programmamanager", "Informatieadviseur", "Inspecteur",
    "Controller", "Secretaris", "Afdelingshoofd", "Beleidsondersteuner",
)  # fmt: skip

DEMO_USERS = {
    # user name: (role, department codes)
    "op.bzk": (Role.OP_STAFF, ("BZK",)),
    "op.fin": (Role.OP_STAFF, ("FIN",)),
    "bureau": (Role.PROGRAMME_BUREAU, ()),
    "beheer": (Role.ADMINISTRATOR, ()),
}


@dataclass
class SeedResult:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def ensure_demo_users(password: str) -> None:
    """Create (or reset) the four demo logins with `password`."""
    ensure_groups()
    User = get_user_model()
    for username, (role, codes) in DEMO_USERS.items():
        user, _created = User.objects.get_or_create(username=username)
        # Only administrators use the Django admin; the others work on the pages.
        user.is_staff = role is Role.ADMINISTRATOR
        # An address, so the demo's weekly overviews and quarterly messages have a recipient.
        user.email = user.email or f"{username}@demo.example"
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=GROUP_NAMES[role])])
        for department in Department.objects.filter(code__in=codes):
            department.staff.add(user)
    # The O&P directors of the demo's two ministries get the escalations (send_reminders).
    for code in ("BZK", "FIN"):
        Department.objects.filter(code=code, op_director_email="").update(
            op_director_email=f"op-directeur@{code.lower()}.demo.example"
        )


def is_seeded() -> bool:
    return Person.objects.exists() or Committee.objects.exists()


@transaction.atomic
def seed(*, seed: int, scale: float, today: datetime.date) -> SeedResult:
    """Fill an empty database; a database that has people or committees is left alone."""
    if is_seeded():
        return SeedResult(created=False)
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    builder = _Builder(rng=rng, scale=scale, today=today)
    counts = builder.build()
    if connection.vendor == "postgresql":
        # Fresh planner statistics: without them PostgreSQL plans the compliance
        # subqueries for the empty tables it last saw.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Written in bulk, past the services: the stored quarterly figures in one go.
    figures_rebuild()
    return SeedResult(created=True, counts=counts)


class _Builder:
    def __init__(self, *, rng: random.Random, scale: float, today: datetime.date) -> None:
        self.rng = rng
        self.scale = scale
        self.today = today
        self.start = datetime.date(2021, 1, 1)

    def n(self, base: float) -> int:
        return max(1, round(base * self.scale))

    def build(self) -> dict[str, int]:
        departments = self.departments()
        suppliers, tenders = self.suppliers_and_tenders(departments)
        programmes = self.programmes(suppliers)
        people = self.people(departments)
        sessions = self.sessions(suppliers, tenders, programmes)
        committees, memberships = self.committees(departments, people)
        completions = self.completions(people, sessions, committees, memberships)
        evaluations = self.evaluations(sessions, completions)
        sessions += self.upcoming_offer(sessions, departments, programmes)
        return {
            "people": len(people),
            "sessions": len(sessions),
            "committees": len(committees),
            "memberships": len(memberships),
            "completions": len(completions),
            "evaluations": len(evaluations),
        }

    def departments(self) -> dict[str, Department]:
        departments = {d.code: d for d in Department.objects.order_by("code")}
        for code, department in departments.items():
            department.in_tender = code in TENDER_DEPARTMENTS
            department.enforcement_mode = {
                "BZK": EnforcementMode.JUSTIFY,
                "FIN": EnforcementMode.STRICT,
            }.get(code, EnforcementMode.ADVISORY)
        # With history, dated from the beginning: the reports read the mode of a past
        # quarter from it, and the demo's modes have always been in force.
        bulk_update_with_history(
            list(departments.values()),
            Department,
            ["in_tender", "enforcement_mode"],
            default_date=ENFORCEMENT_HISTORY_SINCE,
        )
        return departments

    def suppliers_and_tenders(
        self, departments: dict[str, Department]
    ) -> tuple[list[Supplier], list[Tender]]:
        suppliers = Supplier.objects.bulk_create(
            [
                Supplier(
                    code="IWB", name="Inclusief Werven B.V.", contact_email="info@iwb.example"
                ),
                Supplier(code="BAC", name="Bias Academy", contact_email="planning@bac.example"),
                Supplier(code="OBT", name="Open Blik Training", contact_email="hallo@obt.example"),
            ]
        )
        first = Tender.objects.create(
            name="Rijksbrede training selectiecommissies 2021-2024",
            lot="Perceel 1",
            starts_on=datetime.date(2021, 1, 1),
            ends_on=datetime.date(2024, 12, 31),
        )
        second = Tender.objects.create(
            name="Rijksbrede training selectiecommissies 2025",
            lot="Perceel 1",
            starts_on=datetime.date(2025, 1, 1),
        )
        first.suppliers.set(suppliers[:2])
        second.suppliers.set(suppliers[1:])
        tender_departments = [departments[c] for c in TENDER_DEPARTMENTS]
        first.departments.set(tender_departments)
        second.departments.set(tender_departments)
        return suppliers, [first, second]

    def programmes(self, suppliers: list[Supplier]) -> dict[tuple[str, int], TrainingProgramme]:
        iwb, bac, obt = suppliers
        specs = [
            (iwb, "Objectief selecteren", "1.0", 2021),
            (iwb, "Objectief selecteren", "2.0", 2023),
            (bac, "Bias-bewust selecteren", "1.0", 2021),
            (bac, "Bias-bewust selecteren", "2.0", 2025),
            (obt, "Selecteren zonder vooroordelen", "1.0", 2025),
        ]
        modules = "Vooroordelen herkennen\nHet gestructureerde interview\nBeoordelen met criteria"
        created = TrainingProgramme.objects.bulk_create(
            [
                TrainingProgramme(supplier=s, name=n, version=v, modules=modules)
                for s, n, v, _ in specs
            ]
        )
        return {(s.code, y): p for p, (s, _, _, y) in zip(created, specs, strict=True)}

    def programme_for(
        self, programmes: dict[tuple[str, int], TrainingProgramme], supplier: Supplier, year: int
    ) -> TrainingProgramme:
        versions = sorted(y for code, y in programmes if code == supplier.code and y <= year)
        return programmes[(supplier.code, versions[-1])]

    def people(self, departments: dict[str, Department]) -> list[Person]:
        total_weight = sum(DEPARTMENT_WEIGHTS.values())
        people: list[Person] = []
        email_counts: dict[tuple[str, str], int] = {}
        number = 100000
        for code, weight in DEPARTMENT_WEIGHTS.items():
            for _ in range(self.n(5000 * weight / total_weight)):
                first = self.rng.choice(FIRST_NAMES)
                last = self.rng.choice(LAST_NAMES)
                number += self.rng.randint(1, 9)
                local = f"{first}.{last}".lower().replace(" ", "")
                local = local.encode("ascii", "ignore").decode() or "medewerker"
                domain = "minjenv.example" if code == "JenV" else f"{code.lower()}.example"
                seen = email_counts[(local, domain)] = email_counts.get((local, domain), 0) + 1
                email = f"{local}@{domain}" if seen == 1 else f"{local}{seen}@{domain}"
                particle, surname = split_particle(last)
                people.append(
                    Person(
                        employee_number=str(number),
                        first_name=first,
                        particle=particle,
                        last_name=surname,
                        email=email,
                        department=departments[code],
                    )
                )
        return Person.objects.bulk_create(people, batch_size=2000)

    def sessions(
        self,
        suppliers: list[Supplier],
        tenders: list[Tender],
        programmes: dict[tuple[str, int], TrainingProgramme],
    ) -> list[TrainingSession]:
        horizon = self.today + datetime.timedelta(days=90)
        sessions = []
        for month in month_starts(self.start, horizon):
            tender = tenders[0] if month.year <= 2024 else tenders[1]
            active = suppliers[:2] if month.year <= 2024 else suppliers[1:]
            per_supplier = self.n({2021: 1, 2022: 1.5, 2023: 2, 2024: 2.5}.get(month.year, 5))
            for supplier in active:
                for _ in range(per_supplier):
                    online = self.rng.random() < 0.3
                    day = month + datetime.timedelta(days=self.rng.randint(2, 26))
                    sessions.append(
                        TrainingSession(
                            supplier=supplier,
                            programme=self.programme_for(programmes, supplier, month.year),
                            tender=tender,
                            date=day,
                            place="" if online else self.rng.choice(PLACES),
                            is_online=online,
                            capacity=self.rng.choice((12, 16, 20, 24)),
                            cancelled=day < self.today and self.rng.random() < 0.03,
                        )
                    )
        return TrainingSession.objects.bulk_create(sessions, batch_size=2000)

    def upcoming_offer(
        self,
        sessions: list[TrainingSession],
        departments: dict[str, Department],
        programmes: dict[tuple[str, int], TrainingProgramme],
    ) -> list[TrainingSession]:
        """Make the sessions page useful: times and links for the upcoming sessions, one
        of them nearly full, and two ministries' own sessions. Without the random
        generator, so the rest of the demo data stays as it was."""
        upcoming = sorted(
            (s for s in sessions if s.date >= self.today and not s.cancelled),
            key=lambda s: (s.date, s.pk),
        )
        for index, session in enumerate(upcoming):
            session.starts_at = datetime.time(9 if index % 2 == 0 else 13, 30)
            session.ends_at = datetime.time(12 if index % 2 == 0 else 16, 30)
            if session.is_online:
                session.online_link = f"https://meet.example.nl/workshop-{session.pk}"
        TrainingSession.objects.bulk_update(upcoming, ["starts_at", "ends_at", "online_link"])
        on_location = [s for s in upcoming if not s.is_online]
        if on_location:
            nearly_full = on_location[0]
            taken = nearly_full.completions.filter(status=CompletionStatus.REGISTERED).count()
            nearly_full.capacity = taken + 1
            nearly_full.save(update_fields=["capacity"])
        if not upcoming:
            return []
        supplier = upcoming[0].supplier
        programme = self.programme_for(programmes, supplier, self.today.year)
        own = [
            TrainingSession(
                supplier=supplier,
                programme=programme,
                department=departments[code],
                date=self.today + datetime.timedelta(days=days),
                starts_at=datetime.time(10, 0),
                ends_at=datetime.time(13, 0),
                place=place,
                capacity=12,
            )
            for code, days, place in (("BZK", 18, "Den Haag"), ("FIN", 25, "Apeldoorn"))
            if code in departments
        ]
        return TrainingSession.objects.bulk_create(own)

    def committees(
        self, departments: dict[str, Department], people: list[Person]
    ) -> tuple[list[Committee], list[CommitteeMembership]]:
        by_department: dict[int, list[Person]] = defaultdict(list)
        for person in people:
            by_department[person.department_id].append(person)
        total_weight = sum(DEPARTMENT_WEIGHTS.values())
        span = (self.today + datetime.timedelta(days=75) - self.start).days
        committees: list[Committee] = []
        for code, weight in DEPARTMENT_WEIGHTS.items():
            for i in range(self.n(2000 * weight / total_weight)):
                # More committees in recent years: square root skews towards the end.
                day = self.start + datetime.timedelta(days=int(span * self.rng.random() ** 0.8))
                if day < self.today:
                    status = (
                        CommitteeStatus.CANCELLED
                        if self.rng.random() < 0.06
                        else CommitteeStatus.HELD
                    )
                else:
                    status = self.rng.choice((CommitteeStatus.PLANNED, CommitteeStatus.CONFIRMED))
                committees.append(
                    Committee(
                        department=departments[code],
                        vacancy_reference=f"{code.upper()}-{day.year}-{i + 1:04d}",
                        vacancy_title=self.rng.choice(VACANCIES),
                        interview_date=day,
                        status=status,
                    )
                )
        committees = Committee.objects.bulk_create(committees, batch_size=2000)
        memberships = []
        for committee in committees:
            pool = by_department[committee.department_id]
            size = self.rng.choice((2, 3, 3, 4))
            chosen = self.rng.sample(pool, min(size, len(pool)))
            roles = [MembershipRole.CHAIR, MembershipRole.MEMBER, MembershipRole.HR_ADVISER]
            if size == 4 and self.rng.random() < 0.5:
                roles.append(MembershipRole.EXTERNAL)
            for index, person in enumerate(chosen):
                role = roles[index] if index < len(roles) else MembershipRole.MEMBER
                memberships.append(
                    CommitteeMembership(committee=committee, person=person, role=role)
                )
        memberships = CommitteeMembership.objects.bulk_create(memberships, batch_size=2000)
        return committees, memberships

    def completions(
        self,
        people: list[Person],
        sessions: list[TrainingSession],
        committees: list[Committee],
        memberships: list[CommitteeMembership],
    ) -> list[TrainingCompletion]:
        tender_ids = set(
            Department.objects.filter(code__in=TENDER_DEPARTMENTS).values_list("pk", flat=True)
        )
        by_date = sorted(sessions, key=lambda s: (s.date, s.supplier_id))
        committee_by_id = {c.pk: c for c in committees}
        first_training: dict[int, datetime.date] = {}
        completions: dict[tuple[int, int], TrainingCompletion] = {}

        def sessions_between(start: datetime.date, end: datetime.date) -> list[TrainingSession]:
            return [s for s in by_date if start <= s.date <= end and not s.cancelled]

        # Sessions looked up per (start, end) window; windows repeat a lot.
        window_cache: dict[tuple[datetime.date, datetime.date], list[TrainingSession]] = {}
        for membership in sorted(
            memberships, key=lambda m: (committee_by_id[m.committee_id].interview_date, m.person_id)
        ):
            person = membership.person
            if person.department_id not in tender_ids:
                continue
            committee = committee_by_id[membership.committee_id]
            interview = committee.interview_date
            known = first_training.get(person.pk)
            if known is not None and known <= interview:
                continue
            share = TRAINED_SHARE.get(interview.year, TRAINED_SHARE[2026])
            if self.rng.random() > share:
                continue
            window = (
                interview - datetime.timedelta(days=150),
                interview - datetime.timedelta(days=2),
            )
            if window not in window_cache:
                window_cache[window] = sessions_between(*window)
            candidates = window_cache[window]
            if not candidates:
                continue
            session = self.rng.choice(candidates)
            if session.date >= self.today:
                status = CompletionStatus.REGISTERED
            else:
                roll = self.rng.random()
                status = (
                    CompletionStatus.NO_SHOW if roll < 0.07
                    else CompletionStatus.CANCELLED if roll < 0.10
                    else CompletionStatus.ATTENDED
                )  # fmt: skip
            completions[(person.pk, session.pk)] = TrainingCompletion(
                person=person, session=session, status=status
            )
            if status == CompletionStatus.ATTENDED:
                first_training[person.pk] = min(session.date, known or session.date)
        # People who follow the workshop before ever sitting on a committee.
        trainees = [p for p in people if p.department_id in tender_ids]
        past = [s for s in by_date if s.date < self.today and not s.cancelled]
        for _ in range(self.n(600)):
            person = self.rng.choice(trainees)
            session = self.rng.choice(past)
            completions.setdefault(
                (person.pk, session.pk),
                TrainingCompletion(
                    person=person, session=session, status=CompletionStatus.ATTENDED
                ),
            )
        return TrainingCompletion.objects.bulk_create(list(completions.values()), batch_size=2000)

    def evaluations(
        self, sessions: list[TrainingSession], completions: list[TrainingCompletion]
    ) -> list[Evaluation]:
        attended: dict[int, list[TrainingCompletion]] = defaultdict(list)
        for completion in completions:
            if completion.status == CompletionStatus.ATTENDED:
                attended[completion.session_id].append(completion)
        evaluations = []
        for session in sessions:
            present = attended.get(session.pk, [])
            if not present or session.date >= self.today:
                continue
            # The Bias Academy scores on a 1-5 scale, the others on 1-10.
            scale = 5 if session.supplier.code == "BAC" else 10
            mean = (3.9 if scale == 5 else 7.6) + self.rng.uniform(-0.4, 0.5) * (scale / 10)
            responses = max(1, round(len(present) * self.rng.uniform(0.4, 0.8)))
            evaluations.append(
                Evaluation(
                    session=session,
                    score=Decimal(f"{min(mean, scale):.2f}"),
                    scale=scale,
                    response_count=responses,
                )
            )
            for completion in present[:responses]:
                if self.rng.random() < 0.5:
                    score = min(scale, max(1, round(self.rng.gauss(mean, scale / 8))))
                    evaluations.append(
                        Evaluation(
                            session=session,
                            person=completion.person,
                            score=Decimal(score),
                            scale=scale,
                            answers={"useful": self.rng.choice(("ja", "deels", "nee"))},
                        )
                    )
        return Evaluation.objects.bulk_create(evaluations, batch_size=2000)
