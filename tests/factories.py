"""Test data built through the real actions (actor SYSTEM), never by saving models directly."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from accounts.models import Role, User
from accounts.services import create_user, grant_role
from core.actions import SYSTEM
from members.models import Member
from members.services import register_member
from members.validators import century_gender_digit
from orgs.models import Organization
from orgs.services import establish_organization

_serial = itertools.count(1)
PASSWORD = "Very-secret-pw-2026"


def citizen_id(birth: dt.date, gender: str, province_code: int = 22) -> str:
    return f"{province_code:03d}{century_gender_digit(birth.year, gender)}{birth.year % 100:02d}{next(_serial):06d}"


def member(org: Organization, name: str, *, gender: str = "M", birth: dt.date = dt.date(1980, 3, 4),
           admitted: dt.date = dt.date(2005, 5, 6), official: dt.date | None = dt.date(2006, 5, 6)) -> Member:
    status = "official" if official else "probationary"
    return register_member(SYSTEM, organization=org, status=status, full_name=name, gender=gender, birth_date=birth,
                           admission_date=admitted, official_date=official, citizen_id=citizen_id(birth, gender),
                           ethnicity="Kinh", home_town="Quảng Ninh")


def user_with_role(username: str, role_code: str, org: Organization) -> User:
    user = create_user(SYSTEM, username=username, password=PASSWORD, organization=org)
    grant_role(SYSTEM, user=user, role=Role.objects.get(code=role_code), organization=org,
               valid_from=dt.date(2020, 1, 1))
    return user


@dataclass
class Province:
    org: Organization
    grassroots: Organization
    cells: list[Organization]
    members: list[Member] = field(default_factory=list)


def province(central: Organization, code: str, name: str, people: list[str]) -> Province:
    prov = establish_organization(SYSTEM, parent=central, code=code, name=name, org_type="level1",
                                  effective_on=dt.date(2020, 1, 1), decision=f"{code}-QĐ/TW")
    grass = establish_organization(SYSTEM, parent=prov, code=f"{code}.G1", name=f"Đảng bộ xã {name}",
                                   org_type="grassroots_committee", effective_on=dt.date(2020, 1, 1))
    cells = [establish_organization(SYSTEM, parent=grass, code=f"{code}.G1.C{i}", name=f"Chi bộ thôn {i} {name}",
                                    org_type="cell", effective_on=dt.date(2020, 1, 1)) for i in (1, 2)]
    result = Province(prov, grass, cells)
    for i, person in enumerate(people):
        result.members.append(member(cells[i % 2], person, gender="F" if i % 3 == 0 else "M"))
    return result


def central() -> Organization:
    return establish_organization(SYSTEM, parent=None, code="TW", name="Ban Chấp hành Trung ương Đảng",
                                  org_type="central", effective_on=dt.date(1930, 2, 3))


@dataclass
class World:
    central: Organization
    a: Province
    b: Province
    admin: User
    a_secretary: User
    a_viewer: User
    b_secretary: User


def build_world() -> World:
    """Two provinces: A (Quảng Ninh-like) and B, whose names carry the marker 'Zeta' so leaks are easy to spot."""
    from accounts.services import ensure_default_roles

    ensure_default_roles()  # a flushed (transactional) database may lack them
    top = central()
    a = province(top, "T22", "Quảng Ninh", ["Nguyễn Văn Đức", "Trần Thị Hoa", "Lê Minh An", "Phạm Đức Anh"])
    b = province(top, "T45", "Zetaprovince", ["Zetamember Nguyễn Văn", "Zetamember Trần Thị"])
    admin = create_user(SYSTEM, username="root", password=PASSWORD, organization=None, is_superuser=True)
    return World(
        central=top, a=a, b=b, admin=admin,
        a_secretary=user_with_role("a_secretary", "secretary", a.org),
        a_viewer=user_with_role("a_viewer", "viewer", a.cells[0]),
        b_secretary=user_with_role("zetauser", "secretary", b.org),
    )


def busy_world(world: World) -> World:
    """Open work of every kind in province B (a reorganization link, an admission case, a letter in transit,
    a scheduled reorganization, a job), so a test that walks every route has an object of B to aim at."""
    from jobs.services import enqueue_job
    from lifecycle.services import issue_transfer_letter, submit_application
    from reorg.services import create_reorganization

    b = world.b
    spare = establish_organization(SYSTEM, parent=b.grassroots, code="T45.G1.C9", name="Chi bộ Zetaprovince tạm",
                                   org_type="cell", effective_on=dt.date(2020, 1, 1))
    create_reorganization(SYSTEM, kind="merge", plan={"sources": [spare.pk], "target": b.cells[1].pk},
                          effective_on=dt.date(2026, 1, 1), decision="8-QĐ/TU")  # applied: leaves a link
    submit_application(SYSTEM, cell=b.cells[0], applied_on=dt.date(2026, 1, 5), full_name="Zetamember Lê Văn",
                       gender="M", birth_date=dt.date(2000, 1, 1))
    issue_transfer_letter(SYSTEM, b.members[0], to_org=b.cells[1], number="1-GGT", issued_on=dt.date(2026, 1, 10))
    create_reorganization(SYSTEM, kind="change", plan={"organization": b.cells[1].pk, "name": "Chi bộ Zetaprovince 9"},
                          effective_on=dt.date(2030, 1, 1), decision="9-QĐ/TU")
    enqueue_job(SYSTEM, kind="members.import", params={"file": "/nonexistent", "mode": "all"}, org_path=b.org.path,
                label="Zetaprovince import", start_inline=False)
    # Committees (cadres services): a term of B's grassroots committee with its secretary (A has a term of the same
    # years: a term's label names no province).
    from cadres.models import Body
    from cadres.services import open_term, record_holding

    open_term(SYSTEM, organization=world.a.grassroots, label="2020-2025", valid_from=dt.date(2020, 10, 1),
              opened_by="congress", seats={"executive_committee": 5}, decision="1-NQ/ĐH")
    term = open_term(SYSTEM, organization=b.grassroots, label="2020-2025", valid_from=dt.date(2020, 10, 1),
                     opened_by="congress", seats={"executive_committee": 5, "inspection_commission": 3},
                     decision="1-NQ/ĐH Zetaprovince")
    record_holding(SYSTEM, body=Body.objects.get(term=term, kind="executive_committee"), member=b.members[1],
                   post="secretary", valid_from=dt.date(2020, 10, 1), selection="elected", decision="1-NQ/ĐH")
    _busy_planning(b)  # planning (h-cadplan)
    return world


# --- cadres (h-cadpages): committees, built through cadres.services like everything else -------------------------
COMMITTEE_FROM = dt.date(2025, 10, 1)
COMMITTEE_SEATS = {"executive_committee": 5, "standing_committee": 3, "inspection_commission": 3}


def committee(org: Organization, *, label: str = "2025-2030", valid_from: dt.date = COMMITTEE_FROM,
              seats: dict[str, int] | None = None, holders: list[tuple[Member, str]] = (),
              decision: str = "1-NQ/ĐH"):
    """A term elected by the congress with its bodies, and ``holders`` as ``(member, post)`` elected on its first
    day (each post's body is the one it belongs to)."""
    from cadres.choices import BODY_POSTS
    from cadres.services import open_term, record_holding

    term = open_term(SYSTEM, organization=org, label=label, valid_from=valid_from, opened_by="congress",
                     seats=dict(COMMITTEE_SEATS if seats is None else seats), decision=decision,
                     decision_date=valid_from)
    bodies = {body.kind: body for body in term.bodies.all()}
    body_of = {post: kind for kind, posts in BODY_POSTS.items() for post in posts}
    for person, post in holders:
        record_holding(SYSTEM, body=bodies[body_of[post]], member=person, post=post, valid_from=valid_from,
                       selection="elected", decision=decision, decision_date=valid_from)
    return term


def _busy_planning(b: Province) -> None:
    """A planning entry and a rotation of province B (cadre planning, h-cadplan)."""
    from cadres.planning import plan_member, record_rotation

    plan_member(SYSTEM, organization=b.org, term_label="2030-2035", reference_date=dt.date(2030, 6, 1),
                member=b.members[1], post="secretary", theory_level="advanced", qualification="Zetaqualification",
                decision="10-QĐ/TU", decision_date=dt.date(2025, 9, 1), valid_from=dt.date(2025, 9, 1))
    record_rotation(SYSTEM, member=b.members[1], from_org=b.cells[1], to_org=b.grassroots, position="Zetaposition",
                    valid_from=dt.date(2025, 1, 1), decision="11-QĐ/TU")
