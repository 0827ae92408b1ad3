"""How SprintLab shows dates and times in English: one style, "Thu 14 Jan 2027, 09:00".

Django reads these through ``FORMAT_MODULE_PATH`` in place of its own English formats, so the
``date`` filter, the admin and ``sprintlab.core.dates`` all say the same. Pages name a style
(``date``, ``datetime``, ``time``; see ``sprintlab.core.dates.DATE_STYLES``), never a format string.
A translation adds ``<language>/formats.py`` next to this one. The 24-hour clock and day-month
order read the same across the sprints' many countries.
"""

DATE_FORMAT = "D j M Y"
DATETIME_FORMAT = "D j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
