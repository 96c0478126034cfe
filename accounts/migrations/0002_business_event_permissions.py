"""Give the roles of an existing installation the per-event permissions (not only a fresh database).

The six default roles receive the permissions ``DEFAULT_ROLE_PERMISSIONS`` lists for them today (what an
administrator added stays; nothing is taken away). A role of the installation's own receives each new permission
whose older, broader right it already held (``SPLIT_FROM``), so it keeps what it could do.

Django creates permissions after all migrations (post_migrate), so the ones needed here are created here.
"""

from django.db import migrations
from django.utils import timezone

NEW = {
    "members.correct_member": ("members", "member", "Can correct members' personal data"),
    "lifecycle.decide_admissioncase": ("lifecycle", "admissioncase",
                                       "Can record the committee's decisions on admission (admission, recognition, "
                                       "striking off)"),
    "lifecycle.transfer_out_of_province": ("lifecycle", "transferletter",
                                           "Can issue transfer letters to another province"),
    "orgs.rename_organization": ("orgs", "organization", "Can rename, re-code or re-type an organization by decision"),
}


# Frozen here (``accounts.choices`` may change later; this migration must not).
DEFAULTS = {
    "secretary": set(NEW),
    "deputy_secretary": set(NEW),
    "organization_officer": set(NEW),
    "office_clerk": {"members.correct_member"},
    "inspection_officer": set(),
    "viewer": set(),
}
SPLIT_FROM = {
    "members.correct_member": "members.change_member",
    "lifecycle.decide_admissioncase": "members.change_member",
    "lifecycle.transfer_out_of_province": "members.change_member",
    "orgs.rename_organization": "orgs.change_organization",
}


def _permission(apps, label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = label.split(".")
    if label in NEW:
        _, model, name = NEW[label]
        ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        perm, _ = Permission.objects.get_or_create(content_type=ct, codename=codename, defaults={"name": name[:255]})
        return perm
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    if not Role.objects.exists():
        return  # a fresh database: the roles are made with their defaults after migrate
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditRecord = apps.get_model("audit", "AuditRecord")
    role_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="role")
    perms = {label: _permission(apps, label) for label in NEW}
    for role in Role.objects.order_by("pk"):
        held = {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.select_related("content_type")}
        if role.code in DEFAULTS:
            wanted = [label for label in NEW if label in DEFAULTS[role.code]]
        else:
            wanted = [label for label in NEW if SPLIT_FROM[label] in held]
        added = [label for label in wanted if label not in held]
        if not added:
            continue
        role.permissions.add(*(perms[label] for label in added))
        # Historical models carry no audit hook: the record is written here, by the system.
        AuditRecord.objects.create(
            at=timezone.now(), actor=None, actor_label="system", action="accounts.migrate_role_permissions",
            event="update", content_type=role_type, object_id=str(role.pk), object_repr=role.name[:200],
            org_path="", changes={"permissions": [sorted(held & set(NEW)), sorted(set(added) | (held & set(NEW)))]})


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0003_audit_second_side"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lifecycle", "0003_business_event_permissions"),
        ("members", "0008_correct_member_permission"),
        ("orgs", "0003_rename_organization_permission"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
