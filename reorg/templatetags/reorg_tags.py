"""Tree marks (pending scheduled reorganizations), and a stored reorganization summary in the reader's language."""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist

from accounts.choices import RoleCode
from core import l10n
from core.dates import parse_date
from core.rules import cite, rule_version
from orgs.choices import OrgType
from orgs.models import Organization
from reorg.choices import LinkKind
from reorg.models import Reorganization
from reorg.services import pending_for

register = template.Library()


@register.simple_tag
def pending_reorganizations(org):
    """Scheduled reorganizations concerning ``org`` (for the tree: mark nodes with pending changes)."""
    return list(pending_for(org)[:20])


@register.simple_tag(takes_context=True)
def pending_map(context, rows) -> dict:
    """Scheduled reorganizations of the tree rows shown, in one query: {organization id: [reorganization]}."""
    ids = [row["pk"] for row in rows]
    if not ids:
        return {}
    user = getattr(context.get("request"), "user", None)
    through = Reorganization.organizations.through
    links = through.objects.filter(organization_id__in=ids, reorganization__state="scheduled")
    if user is not None:
        links = links.filter(reorganization__in=Reorganization.objects.restrict(user, "view"))
    result: dict = {}
    for link in links.select_related("reorganization").order_by("reorganization__effective_on")[:500]:
        result.setdefault(link.organization_id, []).append(link.reorganization)
    return result


# A summary (``reorg.services.describe``) is stored with its reorganization, with codes rather than labels; these
# filters show its codes in the reader's language. Summaries stored before held labels: those are shown as stored.

def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return "" if value is None else str(value)


@register.filter
def org_type_label(value) -> str:
    """``cell`` -> "Party cell" in the reader's language."""
    return _label(OrgType, value)


@register.filter
def link_kind_label(value) -> str:
    return _label(LinkKind, value)


@register.filter
def role_label(grant: dict) -> str:
    """A role grant of a summary: the built-in role's label, else the role's name as stored."""
    if not hasattr(grant, "get"):
        return ""
    code = grant.get("role_code") or grant.get("role")  # what was applied keeps the code under "role"
    if code:
        try:
            return str(RoleCode(code).label)
        except ValueError:
            pass
    return str(grant.get("role", ""))


@register.filter
def summary_day(value) -> str:
    """An ISO date of a summary as the reader's short date."""
    return l10n.day(value)


@register.filter
def org_field_label(name: str) -> str:
    """A changed field of an organization by its name in the reader's language (``org_type`` -> "type")."""
    try:
        return str(Organization._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@register.filter
def org_field_value(value, name: str) -> str:
    """A changed value: the type's label for ``org_type``, dates in the reader's format, others as stored."""
    if name == "org_type":
        return org_type_label(value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        return l10n.day(value)
    return "\u2014" if value in (None, "") else str(value)


@register.filter
def warning_regulation(warning: dict) -> str:
    """The regulation behind a stored size warning, cited in the reader's language (stored as rule code and date)."""
    on = parse_date(warning.get("on") or "")
    if not warning.get("rule") or on is None:
        return ""
    return cite(rule_version(warning["rule"], on))
