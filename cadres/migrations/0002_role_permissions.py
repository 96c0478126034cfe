"""Give the roles of an existing installation the rights on committees and cadres (a fresh database gets them from
``accounts.choices.DEFAULT_ROLE_PERMISSIONS`` when the roles are made). What an administrator added stays; a role of
the installation's own that could view organizations may view compositions, one that could change organizations may
record them. Django creates permissions after all migrations (post_migrate), so the ones needed here are made here.
"""

from django.db import migrations
from django.utils import timezone

NEW = {
    "cadres.view_postholding": ("postholding", "Can view post holding"),
    "cadres.add_postholding": ("postholding", "Can add post holding"),
    "cadres.change_postholding": ("postholding", "Can change post holding"),
    "cadres.appoint_postholding": ("postholding",
                                   "Can appoint committees and post holders by decision of the higher committee"),
}

# Frozen here (accounts.choices may change later; this migration must not).
_VIEW = {"cadres.view_postholding"}
_RECORD = _VIEW | {"cadres.add_postholding", "cadres.change_postholding"}
DEFAULTS = {
    "secretary": _RECORD | {"cadres.appoint_postholding"},
    "deputy_secretary": _RECORD | {"cadres.appoint_postholding"},
    "organization_officer": _RECORD | {"cadres.appoint_postholding"},
    "office_clerk": _RECORD,
    "inspection_officer": _VIEW,
    "viewer": _VIEW,
}
FROM_RIGHT = {
    "cadres.view_postholding": "orgs.view_organization",
    "cadres.add_postholding": "orgs.change_organization",
    "cadres.change_postholding": "orgs.change_organization",
    "cadres.appoint_postholding": "orgs.rename_organization",
}


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    if not Role.objects.exists():
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    AuditRecord = apps.get_model("audit", "AuditRecord")
    role_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="role")
    perms = {}
    for label, (model, name) in NEW.items():
        ct, _ = ContentType.objects.get_or_create(app_label="cadres", model=model)
        perms[label], _ = Permission.objects.get_or_create(content_type=ct, codename=label.split(".")[1],
                                                           defaults={"name": name[:255]})
    for role in Role.objects.order_by("pk"):
        held = {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.select_related("content_type")}
        wanted = DEFAULTS.get(role.code) or {label for label, right in FROM_RIGHT.items() if right in held}
        added = sorted(wanted - held)
        if not added:
            continue
        role.permissions.add(*(perms[label] for label in added))
        AuditRecord.objects.create(
            at=timezone.now(), actor=None, actor_label="system", action="accounts.migrate_role_permissions",
            event="update", content_type=role_type, object_id=str(role.pk), object_repr=role.name[:200],
            org_path="", changes={"permissions": [sorted(held & set(NEW)), added]})


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0001_initial"),
        ("accounts", "0002_business_event_permissions"),
        ("audit", "0003_audit_second_side"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
