"""What cadres contributes to the shell: menu entries, panels on the organization and member pages, dashboard cards,
the reorganization handler (terms, bodies and posts of an organization that ends) and the member events that end a
holding (core.registry)."""

from typing import Any as _Any

from django.utils.translation import gettext_lazy as _gettext_lazy

from cadres import planning as _planning
from cadres import services as _services
from cadres.handover import (
    end_posts_left_behind,
    end_terms,
    grants_following_posts,
    move_planning,
    preview_planning,
    preview_posts,
)
from cadres.models import PlanningEntry as _PlanningEntry
from cadres.models import PostHolding as _PostHolding
from cadres.models import Rotation as _Rotation
from core.registry import (
    MEMBER_DIED,
    MEMBER_LEFT,
    MEMBER_MOVED,
    DashboardCard,
    DetailPanel,
    MenuEntry,
    ReorgHandler,
    register_card,
    register_hook,
    register_member_listener,
    register_menu,
    register_panel,
    register_reorg_handler,
)
from core.registry import ObjectAction as _ObjectAction
from core.registry import register_object_action as _register_object_action
from core.scope import can as _can
from core.scope import may as _may

# --- services: member events end posts; reorganizations end terms; grants of posts stay with posts ---

register_member_listener(MEMBER_LEFT, _services.on_member_left)
register_member_listener(MEMBER_DIED, _services.on_member_died)
register_member_listener(MEMBER_MOVED, _services.on_member_moved)


register_reorg_handler(ReorgHandler("cadres.terms", preview=preview_posts, apply=end_terms,
                                    moved=end_posts_left_behind))
register_hook("grants_following_posts", grants_following_posts)

# --- planning through reorganizations: planning entries and rotations follow the successor ---

register_reorg_handler(ReorgHandler("cadres.planning", preview=preview_planning, apply=move_planning))

# --- committee pages: menu entry, dashboard card, panels on the organization and member pages ---


POSTS_LIMIT = 50
DASHBOARD_CAP = 1000


def committee_panel(request: _Any, org: _Any) -> dict:
    """The organization page's short composition (the term, the heads, seats filled) and a link: three queries,
    none when the user may not see compositions there."""
    from cadres.choices import HEAD_POSTS, Post
    from cadres.views import committee_summary, may_view

    if not may_view(request.user, org):
        return {"cadres_visible": False}
    return {"cadres_visible": True, "committee": committee_summary(org),
            "lead_posts": {*HEAD_POSTS.values(), Post.DEPUTY_SECRETARY, Post.IC_DEPUTY_CHAIR}}


def member_posts(request: _Any, member: _Any) -> dict:
    """A person's posts, current and past, on their member page: one query, read from ``holding_member_idx``."""
    from cadres.models import PostHolding
    from core.scope import can

    if not can(request.user, PostHolding, "view"):
        return {"posts_visible": False}
    holdings = list(PostHolding.objects.restrict(request.user, "view").filter(member=member)
                    .select_related("organization", "body", "body__term").order_by("-valid_from", "-id")[:POSTS_LIMIT])
    return {"posts_visible": True, "post_holdings": holdings, "posts_limit": POSTS_LIMIT}


def committee_counts(request: _Any, root: _Any) -> dict:
    """Vacancies and terms ending within six months under the user's root, each counted up to a cap from the partial
    indexes of open bodies and open terms."""
    from django.utils import timezone

    from cadres.forms import DEFAULT_MONTHS
    from cadres.services import terms_ending, vacant_bodies
    from core.dates import add_months

    before = add_months(timezone.localdate(), DEFAULT_MONTHS)
    vacancies = vacant_bodies(request.user, root).order_by()[:DASHBOARD_CAP + 1].count()
    ending = terms_ending(request.user, before, root).order_by()[:DASHBOARD_CAP + 1].count()
    return {"vacancies_count": min(vacancies, DASHBOARD_CAP), "vacancies_capped": vacancies > DASHBOARD_CAP,
            "ending_count": min(ending, DASHBOARD_CAP), "months": DEFAULT_MONTHS}


# The menu is gated by the registry's view right, already read for the other entries: a right of its own would cost
# every page one more query (one per permission). Every shipped role that sees members sees compositions; the page
# itself checks cadres.view_postholding.
register_menu(MenuEntry("cadres:worklist", _gettext_lazy("Committees"), "members.Member", "view", order=40))
register_card(DashboardCard("cadres.committees", "cadres/dashboard/_committees.html", committee_counts,
                            "cadres.PostHolding", "view", order=40))
register_panel(DetailPanel("cadres.committee", "orgs.Organization", "cadres/_org_panel.html", committee_panel,
                           order=5))
register_panel(DetailPanel("cadres.member_posts", "members.Member", "cadres/_member_panel.html", member_posts,
                           order=20))

# --- planning: the planning list in the menu; a member's planning and rotations on the member page ---


_PANEL_ROWS = 20


def _member_planning(request, member) -> dict:
    """The member's planning entries and rotations the reader may see (two short scoped queries)."""
    user = request.user
    if not _can(user, _PostHolding, "view"):
        return {"show_planning": False}
    entries = (_PlanningEntry.objects.restrict(user, "view").filter(member=member)
               .select_related("member", "organization").order_by("-valid_from", "-id")[:_PANEL_ROWS])
    rotations = (_Rotation.objects.restrict(user, "view").filter(member=member)
                 .select_related("from_org", "to_org").order_by("-valid_from", "-id")[:_PANEL_ROWS])
    return {"show_planning": True, "planning_rows": _planning.planning_rows(entries),
            "member_rotations": list(rotations)}


# Gated like the Committees entry by the right already read for the menu (no query more per page); the list
# itself checks cadres.view_postholding.
register_menu(MenuEntry("cadres:planning", _gettext_lazy("Cadre planning"), "members.Member", "view", order=45))
register_panel(DetailPanel("cadres.planning", "members.Member", "cadres/_member_planning.html", _member_planning,
                             order=60))


def _may_record_cadres(member, user, state) -> bool:
    """The right to record compositions where the member is (grants already loaded: no query)."""
    return member.is_active and _may(user, _PostHolding, "change", member.organization.path)


_register_object_action(_ObjectAction("members.Member", "cadres.plan", _gettext_lazy("Plan for a post"),
                                      "cadres:planning_create", allowed=_may_record_cadres, order=80,
                                      query_param="member"))
_register_object_action(_ObjectAction("members.Member", "cadres.rotate", _gettext_lazy("Record a rotation"),
                                      "cadres:rotation_create", allowed=_may_record_cadres, order=81,
                                      query_param="member"))
# A member who leaves or dies leaves the planning and ends a rotation; one who moves keeps the planning of the
# committees above the new organization.
register_member_listener(MEMBER_LEFT, _planning.on_member_left)
register_member_listener(MEMBER_DIED, _planning.on_member_left)
register_member_listener(MEMBER_MOVED, _planning.on_member_moved)

# --- services: an account linked to a member later gets the grants of the member's posts ---
register_hook("member_link_changed", _services.on_member_link_changed)
