"""Timezones as people name them: "China Standard Time (UTC+8)", not "CST".

zoneinfo knows only abbreviations, and they are ambiguous: CST is China,
Central (US) and Cuba Standard Time; IST is India, Ireland and Israel. The
cron preview says the long name with the offset instead. The table holds the
long names (CLDR's English ones) of common zones; any other zone is named by
its IANA name, which is unambiguous too: "America/Lima (UTC-5)".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .timefmt import to_zone

# (standard time, summer time) per group of zones; None: no summer time.
_GROUPS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("Greenwich Mean Time", "British Summer Time", ("Europe/London",)),
    ("Greenwich Mean Time", "Irish Standard Time", ("Europe/Dublin",)),
    ("Western European Standard Time", "Western European Summer Time",
     ("Europe/Lisbon", "Atlantic/Canary", "Atlantic/Madeira")),
    ("Central European Standard Time", "Central European Summer Time",
     ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
      "Europe/Brussels", "Europe/Vienna", "Europe/Zurich", "Europe/Stockholm", "Europe/Oslo",
      "Europe/Copenhagen", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest",
      "Europe/Belgrade", "Europe/Luxembourg", "Europe/Ljubljana", "Europe/Zagreb",
      "Europe/Bratislava", "Europe/Monaco", "Europe/Malta", "Africa/Ceuta")),
    ("Eastern European Standard Time", "Eastern European Summer Time",
     ("Europe/Athens", "Europe/Helsinki", "Europe/Kyiv", "Europe/Kiev", "Europe/Bucharest",
      "Europe/Sofia", "Europe/Riga", "Europe/Tallinn", "Europe/Vilnius", "Asia/Nicosia",
      "Europe/Chisinau")),
    ("Eastern European Standard Time", None, ("Africa/Cairo", "Europe/Kaliningrad")),
    ("Moscow Standard Time", None, ("Europe/Moscow",)),
    ("Turkey Time", None, ("Europe/Istanbul",)),
    ("Israel Standard Time", "Israel Daylight Time", ("Asia/Jerusalem", "Asia/Tel_Aviv")),
    ("Gulf Standard Time", None, ("Asia/Dubai",)),
    ("Pakistan Standard Time", None, ("Asia/Karachi",)),
    ("India Standard Time", None, ("Asia/Kolkata", "Asia/Calcutta")),
    ("Nepal Time", None, ("Asia/Kathmandu",)),
    ("Bangladesh Standard Time", None, ("Asia/Dhaka",)),
    ("Indochina Time", None, ("Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Saigon")),
    ("Western Indonesia Time", None, ("Asia/Jakarta",)),
    ("China Standard Time", None, ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC")),
    ("Hong Kong Standard Time", None, ("Asia/Hong_Kong",)),
    ("Taipei Standard Time", None, ("Asia/Taipei",)),
    ("Singapore Standard Time", None, ("Asia/Singapore",)),
    ("Malaysia Time", None, ("Asia/Kuala_Lumpur",)),
    ("Philippine Standard Time", None, ("Asia/Manila",)),
    ("Japan Standard Time", None, ("Asia/Tokyo",)),
    ("Korean Standard Time", None, ("Asia/Seoul",)),
    ("Australian Western Standard Time", None, ("Australia/Perth",)),
    ("Australian Central Standard Time", "Australian Central Daylight Time",
     ("Australia/Adelaide",)),
    ("Australian Central Standard Time", None, ("Australia/Darwin",)),
    ("Australian Eastern Standard Time", "Australian Eastern Daylight Time",
     ("Australia/Sydney", "Australia/Melbourne", "Australia/Hobart", "Australia/Canberra")),
    ("Australian Eastern Standard Time", None, ("Australia/Brisbane",)),
    ("New Zealand Standard Time", "New Zealand Daylight Time", ("Pacific/Auckland",)),
    ("Hawaii-Aleutian Standard Time", None, ("Pacific/Honolulu",)),
    ("Alaska Standard Time", "Alaska Daylight Time", ("America/Anchorage",)),
    ("Pacific Standard Time", "Pacific Daylight Time",
     ("America/Los_Angeles", "America/Vancouver", "America/Tijuana", "US/Pacific")),
    ("Mountain Standard Time", "Mountain Daylight Time",
     ("America/Denver", "America/Edmonton", "America/Boise", "US/Mountain")),
    ("Mountain Standard Time", None, ("America/Phoenix",)),
    ("Central Standard Time", "Central Daylight Time",
     ("America/Chicago", "America/Winnipeg", "US/Central")),
    ("Central Standard Time", None, ("America/Mexico_City", "America/Regina",
                                     "America/Guatemala", "America/Costa_Rica")),
    ("Eastern Standard Time", "Eastern Daylight Time",
     ("America/New_York", "America/Toronto", "America/Detroit", "US/Eastern")),
    ("Cuba Standard Time", "Cuba Daylight Time", ("America/Havana",)),
    ("Atlantic Standard Time", "Atlantic Daylight Time", ("America/Halifax",)),
    ("Newfoundland Standard Time", "Newfoundland Daylight Time", ("America/St_Johns",)),
    ("Brasilia Standard Time", None, ("America/Sao_Paulo",)),
    ("Argentina Standard Time", None, ("America/Argentina/Buenos_Aires", "America/Buenos_Aires")),
    ("South Africa Standard Time", None, ("Africa/Johannesburg",)),
    ("West Africa Standard Time", None, ("Africa/Lagos",)),
    ("East Africa Time", None, ("Africa/Nairobi",)),
)
LONG_NAMES: dict[str, tuple[str, str | None]] = {
    zone: (standard, summer) for standard, summer, zones in _GROUPS for zone in zones}
# Named "UTC" alone: it is no abbreviation, and "UTC (UTC+0)" says it twice.
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Universal",
                       "Zulu", "UCT"})


def utc_offset(offset: timedelta | None) -> str:
    """timedelta(hours=8) -> "UTC+8"; 5 h 30 min -> "UTC+5:30"; zero -> "UTC+0"."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(dt: datetime, tz: str) -> str:
    """The zone `tz` as it is at `dt`: "China Standard Time (UTC+8)",
    "Central European Summer Time (UTC+2)", else "America/Lima (UTC-5)"."""
    if tz in UTC_NAMES:
        return "UTC"
    local = to_zone(dt, tz)
    offset = utc_offset(local.utcoffset())
    names = LONG_NAMES.get(tz)
    if names is None:
        return f"{tz.replace('_', ' ')} ({offset})"
    standard, summer = names
    in_summer = bool(local.dst()) and summer is not None
    return f"{summer if in_summer else standard} ({offset})"


def firing_words(firings: Iterable[datetime], tz: str) -> str:
    """A preview's next firings: "next at 2026-01-02 09:00, then 2026-01-03 09:00,
    China Standard Time (UTC+8)". When summer time starts or ends among them,
    each firing names its own zone instead of one name for all."""
    times = list(firings)
    if not times:
        return ""
    labels = [zone_label(t, tz) for t in times]
    # Seconds only when an (OnCalendar) firing has some.
    shape = "%Y-%m-%d %H:%M:%S" if any(t.second for t in times) else "%Y-%m-%d %H:%M"
    stamps = [to_zone(t, tz).strftime(shape) for t in times]
    if len(set(labels)) > 1:
        stamps = [f"{s} {label}" for s, label in zip(stamps, labels, strict=True)]
    words = f"next at {stamps[0]}" + (f", then {', '.join(stamps[1:])}" if stamps[1:] else "")
    return words if len(set(labels)) > 1 else f"{words}, {labels[0]}"
