"""The documented import template: which columns an import file has and how each is written.

Decision: a sheet (or CSV) has **two header rows**. Row 1 holds the column names in the user's
language; row 2 holds the stable machine keys (``full_name``, ``citizen_id``, ...) and is hidden in
the XLSX template. The reader takes the key row when it is there; otherwise it recognizes the names
of row 1 in any of the installed languages, so a list exported from the members page re-imports as
is. Data start on the row after the headers. The XLSX template also has a "Guide" sheet that
explains each column, its formats and allowed values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.choices import Gender, MemberStatus


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    required: bool
    kind: str  # text | date | gender | status | citizen_id | card | org
    help: Promise
    max_length: int = 0


# Labels share their msgids with members/exports.py, so an exported list re-imports without edits.
COLUMNS: tuple[Column, ...] = (
    Column("full_name", gettext_lazy("Full name"), True, "text",
           gettext_lazy("Full name with Vietnamese diacritics, as on the citizen ID card."), 120),
    Column("gender", gettext_lazy("Gender"), True, "gender", gettext_lazy("M or F (or Male / Female).")),
    Column("birth_date", gettext_lazy("Date of birth"), True, "date", gettext_lazy("A date (see formats).")),
    Column("citizen_id", gettext_lazy("Citizen ID"), True, "citizen_id",
           gettext_lazy("12 digits; identifies the member, so a re-imported row is recognized.")),
    Column("party_card_no", gettext_lazy("Party card number"), False, "card", gettext_lazy("6 to 12 digits.")),
    Column("status", gettext_lazy("Status"), True, "status",
           gettext_lazy("probationary or official (or the status name as the member list shows it).")),
    Column("admission_date", gettext_lazy("Admission date"), True, "date",
           gettext_lazy("Date of the admission decision; the member was at least 18 then.")),
    Column("official_date", gettext_lazy("Official date"), False, "date",
           gettext_lazy("Required for official members, empty for probationary ones.")),
    Column("organization_code", gettext_lazy("Organization code"), True, "org",
           gettext_lazy("Code of the party cell (or grassroots party cell) the member belongs to; it must be "
                        "inside the organization chosen for the import.")),
    Column("ethnicity", gettext_lazy("Ethnicity"), False, "text", gettext_lazy("For example Kinh."), 40),
    Column("religion", gettext_lazy("Religion"), False, "text", gettext_lazy("Empty if none."), 40),
    Column("home_town", gettext_lazy("Home town"), False, "text", gettext_lazy("Free text."), 120),
    Column("education", gettext_lazy("Education"), False, "text", gettext_lazy("Free text."), 80),
    Column("occupation", gettext_lazy("Occupation"), False, "text", gettext_lazy("Free text."), 120),
)
BY_KEY = {c.key: c for c in COLUMNS}
KEYS = tuple(c.key for c in COLUMNS)
REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)
DATE_FORMATS_HELP = "dd/mm/yyyy, yyyy-mm-dd, dd-mm-yyyy"


def _norm(text: str) -> str:
    return " ".join(str(text).strip().lower().split())


@lru_cache(maxsize=1)
def header_aliases() -> dict[str, str]:
    """Every accepted header text (machine key, or column name in any installed language) -> key."""
    aliases: dict[str, str] = {}
    for column in COLUMNS:
        aliases[column.key] = column.key
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for column in COLUMNS:
                aliases.setdefault(_norm(str(column.label)), column.key)
    return aliases


@lru_cache(maxsize=1)
def choice_aliases() -> dict[str, dict[str, str]]:
    """Accepted spellings of gender and status: codes, and their labels in every installed language."""
    gender = {"m": "M", "f": "F", "male": "M", "female": "F", "nam": "M", "nữ": "F", "nu": "F"}
    status = {"probationary": "probationary", "official": "official"}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in Gender.choices:
                gender.setdefault(_norm(str(label)), value)
            for value in (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL):
                status.setdefault(_norm(str(MemberStatus(value).label)), value)
    return {"gender": gender, "status": status}


def header_label(key: str) -> str:
    column = BY_KEY.get(key)
    return str(column.label) if column else key


def guide_rows() -> list[list[str]]:
    rows = [[_("Column"), _("Key"), _("Required"), _("What to enter")]]
    for column in COLUMNS:
        rows.append([str(column.label), column.key, _("yes") if column.required else _("no"), str(column.help)])
    rows += [
        [],
        [_("Dates"), "", "", _("Excel dates, or text in one of the formats: %(formats)s.") % {
            "formats": DATE_FORMATS_HELP}],
        [_("Header rows"), "", "", _("Row 1: column names. Row 2 (hidden): the keys, do not change them. "
                                     "Data start on row 3. Column order does not matter.")],
        [_("Formulas"), "", "", _("Cells with formulas are refused: enter the values.")],
        [_("Re-import"), "", "", _("A row whose citizen ID is already registered with the same data is skipped, "
                                   "so importing the same file twice changes nothing.")],
        [_("CSV"), "", "", _("UTF-8 text (Excel: \"CSV UTF-8\"), separated by commas or semicolons.")],
        [_("Empty rows"), "", "", _("Reading stops after 1,000 empty rows in a row.")],
    ]
    return rows


EXAMPLE = {
    "full_name": "Nguyễn Văn An", "gender": "M", "birth_date": "15/03/1985", "citizen_id": "022085000123",
    "party_card_no": "", "status": "official", "admission_date": "2010-05-19", "official_date": "19-05-2011",
    "organization_code": "T22.G1.C1", "ethnicity": "Kinh", "religion": "", "home_town": "Quảng Ninh",
    "education": "12/12", "occupation": "",
}


def template_xlsx(path: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Members")[:31]
    sheet.append([str(c.label) for c in COLUMNS])
    sheet.append(list(KEYS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.row_dimensions[2].hidden = True
    sheet.freeze_panes = "A3"
    for i, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = max(14, len(str(column.label)) + 4)
        if column.kind in ("citizen_id", "card", "org", "date"):
            for row in range(3, 1003):  # text format so that leading zeros survive typing
                sheet.cell(row=row, column=i).number_format = "@"
    gender = DataValidation(type="list", formula1='"M,F"', allow_blank=False)
    status = DataValidation(type="list", formula1='"probationary,official"', allow_blank=False)
    sheet.add_data_validation(gender)
    sheet.add_data_validation(status)
    gender.add(f"B3:B{10000}")
    status.add(f"F3:F{10000}")
    guide = workbook.create_sheet(_("Guide")[:31])
    for row in guide_rows():
        guide.append(row)
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 18
    guide.column_dimensions["D"].width = 90
    workbook.save(path)


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.label) for c in COLUMNS])
    writer.writerow(list(KEYS))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
