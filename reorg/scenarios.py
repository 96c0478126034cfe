"""Scripted scenario: Decision 242-QĐ/TW of 24 January 2025 establishing the Party Committee of Central
Party Agencies from the former central blocs, recorded as it happened so the tree as of 2024-12-31 shows the
blocs and the tree as of 2025-02-01 the new committee.

``seed_party`` records Decision 242 itself (with the other reorganizations of 2025), so on seeded data this finds
it applied and does nothing; it serves a tree built otherwise (an almost empty one, a database seeded before
the generator wrote the history). Idempotent: a second run finds the applied Decision 242 and does nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from core.actions import SYSTEM
from orgs.choices import OrgType
from orgs.models import Organization, OrganizationVersion
from reorg import services
from reorg.choices import ReorgKind, ReorgState
from reorg.models import Reorganization

DECISION = "242-QĐ/TW"
DECISION_DATE = dt.date(2025, 1, 24)
EFFECTIVE = dt.date(2025, 2, 1)
NEW_COMMITTEE = "Đảng bộ các cơ quan Đảng Trung ương"
BLOC_AGENCIES = "Đảng bộ Khối các cơ quan Trung ương"
BLOC_BUSINESS = "Đảng bộ Khối Doanh nghiệp Trung ương"
BLOC_SINCE = dt.date(2020, 1, 1)
# The blocs predate the period the demo data records; their founding decisions are not part of it.
BLOC_DECISIONS = {BLOC_AGENCIES: ("SCEN-KCQTW", "KCQTW"), BLOC_BUSINESS: ("SCEN-KDNTW", "KDNTW")}
MOVE_AS_OF = dt.date(2020, 10, 1)
BUSINESS_WORDS = ("công ty", "tổng công ty", "tập đoàn", "ngân hàng", "doanh nghiệp")


def _applied_242() -> Reorganization | None:
    return Reorganization.objects.filter(decision=DECISION, kind=ReorgKind.MERGE, state=ReorgState.APPLIED).first()


def _bloc(central: Organization, name: str, log) -> Organization:
    org = Organization.objects.filter(name=name, parent=central).first()
    if org is not None:
        return org
    decision, code = BLOC_DECISIONS[name]
    services.create_reorganization(SYSTEM, kind=ReorgKind.ESTABLISH, effective_on=BLOC_SINCE, decision=decision,
                                   plan={"parent": central.pk, "code": code, "name": name, "org_type": OrgType.LEVEL1})
    log(f"Established {name} as of {BLOC_SINCE}")
    return Organization.objects.get(code=code)


def _units_to_move(committee: Organization) -> tuple[list[Organization], list[Organization]]:
    """The committee's sub-organizations that already existed on MOVE_AS_OF: enterprises to the business bloc."""
    existing = set(OrganizationVersion.objects.as_of(MOVE_AS_OF).filter(parent=committee)
                   .values_list("organization_id", flat=True))
    agencies, business = [], []
    for child in committee.children.filter(dissolved_on__isnull=True, pk__in=existing).order_by("path"):
        if OrganizationVersion.objects.filter(organization=child, valid_from__gt=MOVE_AS_OF).exists():
            continue  # its own record changed later: leave it where it is
        (business if any(w in child.name.lower() for w in BUSINESS_WORDS) else agencies).append(child)
    return agencies, business


def run_scenario_242(log=lambda s: None) -> dict[str, Any]:
    """Record the blocs (2020) and Decision 242-QĐ/TW (effective 2025-02-01). Returns what was applied."""
    done = _applied_242()
    if done is not None:
        log(f"Decision {DECISION} is already recorded (reorganization {done.pk}); nothing to do.")
        return {"applied": [], "reorganization": done.pk}
    central = Organization.objects.get(parent__isnull=True, org_type=OrgType.CENTRAL)
    applied: list[int] = []
    agencies = _bloc(central, BLOC_AGENCIES, log)
    business = _bloc(central, BLOC_BUSINESS, log)
    committee = Organization.objects.filter(Q(name=NEW_COMMITTEE) | Q(code="CQDTW"), parent=central,
                                            dissolved_on__isnull=True).first()
    if committee is not None:
        to_agencies, to_business = _units_to_move(committee)
        for bloc, units in ((agencies, to_agencies), (business, to_business)):
            if units:
                r = services.create_reorganization(
                    SYSTEM, kind=ReorgKind.TRANSFER, effective_on=MOVE_AS_OF, decision=BLOC_DECISIONS[bloc.name][0],
                    plan={"organizations": [u.pk for u in units], "to": bloc.pk},
                    note="Recorded by scenario 242: the units stood under the bloc before 2025.")
                applied.append(r.pk)
                log(f"Recorded {len(units)} organizations under {bloc.name} as of {MOVE_AS_OF}")
        plan: dict[str, Any] = {"sources": [agencies.pk, business.pk], "target": committee.pk}
        # The seed establishes the committee on the decision date; its record must not start after the merge.
        if OrganizationVersion.objects.filter(organization=committee, valid_from__gt=EFFECTIVE).exists():
            raise RuntimeError("The Party Committee of Central Party Agencies has changes recorded after 2025-02-01.")
    else:
        plan = {"sources": [agencies.pk, business.pk],
                "new": {"parent": central.pk, "code": "CQDTW", "name": NEW_COMMITTEE, "org_type": OrgType.LEVEL1}}
    r = services.create_reorganization(SYSTEM, kind=ReorgKind.MERGE, plan=plan, effective_on=EFFECTIVE,
                                       decision=DECISION, decision_date=DECISION_DATE,
                                       note="Establishing the Party Committee of Central Party Agencies.")
    applied.append(r.pk)
    log(f"Applied {DECISION}: reorganization {r.pk}")
    return {"applied": applied, "reorganization": r.pk}
