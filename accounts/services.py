"""Actions on users, roles and grants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import DEFAULT_ROLE_PERMISSIONS
from accounts.models import Role, RoleGrant, User
from core.actions import acting, action, system_action
from core.registry import hook, member_model
from core.scope import OutOfScope, path_in_scope
from orgs.models import Organization


def ensure_default_roles() -> None:
    """Create the six roles with their default permissions; roles already there are left as configured."""
    with system_action("accounts.ensure_default_roles"):
        for code, perms in DEFAULT_ROLE_PERMISSIONS.items():
            role, created = Role.objects.get_or_create(code=code.value, defaults={"name": str(code.label)})
            if created:
                wanted = []
                for label in perms:
                    app_label, codename = label.split(".")
                    wanted += list(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
                role.permissions.set(wanted)


@action
def create_user(actor: Any, *, username: str, password: str | None, organization: Organization | None,
                first_name: str = "", last_name: str = "", email: str = "", language: str = "",
                is_superuser: bool = False) -> User:
    if organization is not None and not path_in_scope(actor, User, "add", organization.path):
        raise OutOfScope()
    if is_superuser and not getattr(actor, "is_superuser", False):
        raise ValidationError({"is_superuser": _("Only a national administrator can create another one.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = User(username=username, organization=organization, first_name=first_name, last_name=last_name,
                email=email, language=language, is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def _own_account_or_scoped(actor: Any, user: User, name: str):
    """Everyone may change their own language and password; changing another's needs the scope."""
    own = actor is not None and actor.pk == user.pk
    return acting(actor, name, check_scope=not own)


def set_language(actor: Any, user: User, language: str) -> User:
    with _own_account_or_scoped(actor, user, "accounts.set_language"):
        user = User.objects.get(pk=user.pk)
        user.language = language
        user.save(update_fields=["language"])
        return user


def change_password(actor: Any, user: User, new_password: str) -> None:
    with _own_account_or_scoped(actor, user, "accounts.change_password"):
        user.set_password(new_password)
        user.save()


@action
def link_member(actor: Any, user: User, member: Any | None, *, on: dt.date | None = None) -> User:
    """Link the account to its holder's member record (``None``: unlink); the one door for ``User.member``.

    Why an action: access follows posts (cadres). The app above that keeps posts registers the hook
    ``"member_link_changed"`` (``core.registry``): linking writes the grants of the posts the member holds, from
    ``on`` (today), unlinking ends those the account had from the old member's posts, in the same transaction.
    """
    user = User.objects.restrict(actor, "change").filter(pk=getattr(user, "pk", user)).first()
    if user is None:
        raise OutOfScope()
    member_id = getattr(member, "pk", member)
    if member_id is not None:
        found = member_model().objects.select_related("organization").filter(pk=member_id).first()
        if found is None or not path_in_scope(actor, member_model(), "view", found.organization.path):
            raise ValidationError({"member": _("Choose a party member.")})
        other = User.objects.filter(member_id=member_id).exclude(pk=user.pk).first()
        if other is not None:
            raise ValidationError({"member": _("%(name)s already has the account %(username)s.")
                                   % {"name": found.full_name, "username": other.username}})
    old = user.member_id
    if old == member_id:
        return user
    on = on or timezone.localdate()
    user.member_id = member_id
    user.save(update_fields=["member"])
    try:
        follow = hook("member_link_changed")
    except LookupError:
        follow = None
    if follow is not None:
        follow(user, old, member_id, on)
    return user


@action
def grant_role(actor: Any, *, user: User, role: Role, organization: Organization, valid_from: dt.date | None = None,
               decision: str = "") -> RoleGrant:
    """Grant a role on an organization (covering its subtree); the grantor must hold that subtree."""
    if not path_in_scope(actor, RoleGrant, "add", organization.path):
        raise OutOfScope()
    return RoleGrant.objects.create(user=user, role=role, organization=organization,
                                    valid_from=valid_from or timezone.localdate(), decision=decision)


@action
def revoke_role(actor: Any, grant: RoleGrant, *, on: dt.date | None = None) -> RoleGrant:
    grant = RoleGrant.objects.restrict(actor, "change").get(pk=grant.pk)
    on = on or timezone.localdate()
    if grant.valid_to is not None and grant.valid_to <= on:
        raise ValidationError(_("This grant has already ended."))
    grant.valid_to = max(on, grant.valid_from)
    grant.save()
    return grant


# --- Grants that follow posts (access follows posts: cadres) ----------------------------------------------------


def grant_following_post(*, user: User, role_code: str, organization: Organization, valid_from: dt.date,
                         decision: str = "") -> RoleGrant | None:
    """The grant a post gives its holder's account, written by the post's own action (cadres.record_holding).

    No second permission check: the post's action has checked the right to record the post, and the grant is its
    consequence (a clerk who records the new secretary need not be allowed to grant roles by hand). It runs
    inside that action and is audited with it (``bulk_create`` writes its audit record). None when the role is
    not installed.
    """
    role = Role.objects.filter(code=role_code).first()
    if role is None:
        return None
    [grant] = RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role, organization=organization,
                                                       valid_from=valid_from, decision=(decision or "")[:64])])
    return grant


def end_grants_following_posts(grant_ids: list[int], on: dt.date) -> int:
    """End the grants of posts that end on ``on`` (the same day), inside the post's action; audited updates.

    A grant that would only have started after ``on`` becomes a grant of no day (``valid_to == valid_from``).
    """
    from django.db.models import F, Q

    ids = [pk for pk in grant_ids if pk]
    if not ids:
        return 0
    still_open = RoleGrant.objects.filter(pk__in=ids).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    ended = still_open.filter(valid_from__lte=on).update(valid_to=on)
    ended += still_open.filter(valid_from__gt=on).update(valid_to=F("valid_from"))
    return ended
