"""Transfer letters' audit records written before they kept both sides get the receiving side's path.

Before, a letter's record carried only the sender's path, so the receiving province did not see its own
confirmation in its audit trail. The receiver's path at the time is not known any more; the letter's receiving
organization's current path is the best there is (reorganizations move open work with its organization).
"""

from collections import defaultdict

from django.db import migrations

BATCH = 1000


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditRecord = apps.get_model("audit", "AuditRecord")
    TransferLetter = apps.get_model("lifecycle", "TransferLetter")
    ct = ContentType.objects.filter(app_label="lifecycle", model="transferletter").first()
    if ct is None:
        return
    by_path = defaultdict(list)
    for pk, path in TransferLetter.objects.values_list("pk", "to_org__path").iterator():
        if path:
            by_path[path].append(str(pk))
    for path, ids in by_path.items():
        for i in range(0, len(ids), BATCH):
            (AuditRecord.objects.filter(content_type=ct, object_id__in=ids[i:i + BATCH], org_path_2__isnull=True)
             .exclude(org_path=path).update(org_path_2=path))


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_audit_second_side"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lifecycle", "0003_business_event_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
