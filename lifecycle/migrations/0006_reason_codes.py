"""Reasons written by code are stored as codes, so each reader reads them in their own language.

Before, a case closed because its member left kept the leaving kind's label ("Từ trần") and a letter cancelled by
the member's death kept the sentence "Đảng viên đã từ trần.", both in the language of whoever recorded it. They
become the codes ``lifecycle.choices`` shows by their labels: the leaving kind (``voluntary``, ``removal``,
``expulsion``, ``death``) and ``death`` for the letter. The labels below are the ones shipped in the six catalogs
when this migration was written (frozen here: a later translation must not change what it recognizes). A reason a
person typed is left as written. The stored form changes, not what it says: no audit record is written (the
trail's earlier records keep the label they were written with, and are shown as written).
"""

from django.db import migrations

LABELS = {  # code -> the label in each of the six languages (vi, en, ar, tr, de, ru)
    "voluntary": ("Xin ra khỏi Đảng", "Voluntary leave", "الانسحاب الطوعي", "Gönüllü ayrılma",
                  "Freiwilliger Austritt", "Добровольный выход"),
    "removal": ("Xóa tên khỏi danh sách đảng viên", "Removal from the list", "الشطب من القائمة", "Listeden silinme",
                "Streichung von der Liste", "Вычёркивание из списка"),
    "expulsion": ("Khai trừ", "Expulsion", "الطرد", "İhraç", "Ausschluss", "Исключение"),
    "death": ("Từ trần", "Death", "الوفاة", "Vefat", "Tod", "Смерть"),
}
LETTER_LABELS = {
    "death": ("Đảng viên đã từ trần.", "The member died.", "توفي العضو.", "Üye vefat etti.",
              "Das Mitglied ist verstorben.", "Член партии умер."),
}


def _with_current_catalogs(labels: dict, msgids: dict) -> dict:
    """The frozen labels, and the installed catalogs' translations of the same message ids if they differ."""
    from django.conf import settings
    from django.utils import translation

    result = {code: set(texts) for code, texts in labels.items()}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, msgid in msgids.items():
                result[code].add(translation.gettext(msgid))
    return result


def forwards(apps, schema_editor):
    AdmissionCase = apps.get_model("lifecycle", "AdmissionCase")
    TransferLetter = apps.get_model("lifecycle", "TransferLetter")
    cases = _with_current_catalogs(LABELS, {"voluntary": "Voluntary leave", "removal": "Removal from the list",
                                            "expulsion": "Expulsion", "death": "Death"})
    letters = _with_current_catalogs(LETTER_LABELS, {"death": "The member died."})
    for code, texts in cases.items():
        AdmissionCase.objects.filter(closed_reason__in=sorted(texts)).update(closed_reason=code)
    for code, texts in letters.items():
        TransferLetter.objects.filter(reason__in=sorted(texts)).update(reason=code)


def backwards(apps, schema_editor):
    """Back to the English labels (the codes' message ids)."""
    AdmissionCase = apps.get_model("lifecycle", "AdmissionCase")
    TransferLetter = apps.get_model("lifecycle", "TransferLetter")
    for code, texts in LABELS.items():
        AdmissionCase.objects.filter(closed_reason=code).update(closed_reason=texts[1])
    for code, texts in LETTER_LABELS.items():
        TransferLetter.objects.filter(reason=code).update(reason=texts[1])


class Migration(migrations.Migration):

    dependencies = [
        ("lifecycle", "0005_case_ceremony_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
