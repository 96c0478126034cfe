"""Arabic: Django's separators (decimal ",", thousands ".") with grouping, which its module lacks, and day-first
date-times (its module has none, so they fell back to the month-first default). The right-to-left marks of
Django's short date keep the day/month/year order in right-to-left text.
"""

SHORT_DATE_FORMAT = "d\u200f/m\u200f/Y"
DATETIME_FORMAT = "j F\u060c Y H:i"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
TIME_FORMAT = "H:i"
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 6
