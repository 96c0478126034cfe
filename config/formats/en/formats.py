"""English: Django's formats (57,457, 11/06/2025); the date field shows and reads month/day/year first."""

DATE_INPUT_FORMATS = ["%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d"]
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
