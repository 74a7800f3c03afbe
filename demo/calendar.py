"""Chinese public holidays and make-up working days (调休) for the demo's support calendar.

The days come from python-holidays (`holidays.China`), which follows the State Council's
yearly notice on the holiday arrangements (国务院办公厅关于…部分节假日安排的通知): the days
off, and the weekend days worked in exchange (`weekend_workdays`). A year whose notice
the installed version does not carry yet has only its statutory days, with the library's
own rule for days in lieu and no make-up working days: upgrade the package and run
seed_demo again to fill them in.
"""

import re
from datetime import date
from typing import NamedTuple

import holidays

# A day off given in exchange for a worked weekend day names that day: "休息日（由 2026-01-04 调休）".
SWAPPED_FROM = re.compile(r"\d{4}-\d{2}-\d{2}")


class Day(NamedTuple):
    date: date
    name: str  # English: "National Day"
    name_zh: str  # Simplified Chinese: "国庆节"
    is_working_day: bool


def china_days(years) -> list[Day]:
    """The days off and the make-up working days of these years, in date order."""
    years = sorted(set(years))
    zh = holidays.China(years=years, language="zh_CN", categories=(holidays.PUBLIC,))
    en = holidays.China(years=years, language="en_US", categories=(holidays.PUBLIC,))
    names = {day: (en[day], zh[day]) for day in zh}
    swapped_for = {}  # worked weekend day -> the day off it pays for
    for day, name in zh.items():
        if found := SWAPPED_FROM.search(name):
            workday = date.fromisoformat(found.group())
            swapped_for[workday] = day
            # The English label writes the date the American way (01/04/2026): say it as ISO.
            names[day] = (f"Day off (substituted from {workday.isoformat()})", name)
    festivals = {day: (zh[day], en[day]) for day in zh if not SWAPPED_FROM.search(zh[day])}
    days = [Day(day, *name, False) for day, name in names.items()]
    # The class also knows make-up days of other years: keep the asked ones.
    for workday in (day for day in zh.weekend_workdays if day.year in years):
        days.append(Day(workday, *_make_up_name(swapped_for.get(workday), festivals), True))
    return sorted(days)


def both(day: Day) -> str:
    """The one name earlier demos stored, Chinese then English: "国庆节 National Day"."""
    return f"{day.name_zh} {day.name}"[:80]


def _make_up_name(day_off: date | None, festivals: dict[date, tuple[str, str]]) -> tuple[str, str]:
    """Name a worked weekend day after the festival its day off lengthens: (English, 国庆节调休上班)."""
    if day_off is None or not festivals:
        return "Make-up working day", "调休上班"
    nearest = min(festivals, key=lambda festival: abs((festival - day_off).days))
    zh_name, en_name = festivals[nearest]
    zh_name = zh_name.removesuffix("（补假）")
    en_name = en_name.removesuffix(" (observed)")
    return f"{en_name}: make-up working day"[:80], f"{zh_name}调休上班"[:80]
