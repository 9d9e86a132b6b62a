"""English as it is read in a Dutch programme: the day before the month and a 24-hour clock.

Django's "en" formats are American: 12/07/2026 is 7 December to some readers and 12 July to
others, and a time of day reads "midnight", "noon" or "2:30 p.m.". Only the shown formats
change; what a form accepts stays Django's.
"""

DATE_FORMAT = "j F Y"  # 7 December 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 7 December 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 7 December
SHORT_DATE_FORMAT = "j M Y"  # 7 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 7 Dec 2026, 14:30
FIRST_DAY_OF_WEEK = 1  # Monday
