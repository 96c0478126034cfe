"""Turkish: 57.457 and 06.11.2025 in tables (Django's short date spells the month: 06 Kas 2025)."""

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S",
                          "%Y-%m-%d %H:%M"]
