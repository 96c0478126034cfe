"""German: Django's formats (57.457, 06.11.2025); ISO dates accepted as well."""

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
