"""Every message and status string of the iFlow face, in English (en_US) and Romanian (ro_RO).

A validator message is keyed by its check name and takes the field's name (`{field}`) and the check's
own values; the reply's `api_language` picks the language.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en_US", "ro_RO")
DEFAULT_LANGUAGE = "en_US"

CHECK_MESSAGES: Mapping[str, Mapping[str, str]] = {
    "en_US": {
        "required": "{field} is required",
        "not_empty": "{field} must not be empty",
        "in_list": "{field} must be one of: {allowed}",
        "valid_date": "{field} must be a date in the Y-m-d format",
        "valid_time": "{field} must be a time in the HH:MM format",
        "valid_datetime": "{field} must be a date and time in the ISO 8601 format",
        "valid_intervals": "{field} must be a list of HH:MM-HH:MM intervals that do not overlap",
        "valid_integer": "{field} must be a whole number",
        "valid_flag": "{field} must be 0 or 1",
        "valid_cnp": "{field} is not a valid CNP (check digit or birth date)",
        "max_length": "{field} must be at most {limit} characters long",
        "date_order": "{field} must not be before {other}",
        "time_order": "{field} must be after {other}",
        "one_of_forms": "{field}: give either start_date and end_date, or date with start_time and end_time",
        "unique": "{field} is already used by another user",
        "user_exists": "{field}: there is no user with this value",
        "event_exists": "{field}: there is no event with this id",
        "event_type_exists": "{field}: there is no event type with this code",
        "hours_needed": "{field}: this event type adds hours, so give date with start_time and end_time",
        "valid_key": "The API key is invalid",
        "already_checked_in": "{field}: the user is already checked in",
        "not_checked_in": "{field}: the user is not checked in",
        "after_check_in": "{field} must be after the check-in time",
        "valid_form": "{field} must be multipart/form-data or application/x-www-form-urlencoded in UTF-8",
        "conflict": "{field}: the record changed while it was being saved; try again",
        "valid_year": "{field} must be a year from {first} to {last}",
        "valid_month": "{field} must be a month from 01 to 12",
        "valid_totals": "{field}: unknown totals: {names}",
        "required_with": "{field} is required when {other} is given",
        "rfid_unknown": "{field}: no enabled employee has this RFID tag",
        "duplicate_scan": "{field}: this scan is already recorded",
        "valid_scan_list": "{field} must be a JSON list of {{date, time, rfidTag, errorMsg}} objects",
        "valid_scan_time": "{field} must be a time in the HH:MM or HH:MM:SS format",
        "max_items": "{field} may hold at most {limit} scans",
        "inside_interval": "{field}: this scan falls inside an interval already recorded",
        "overlaps_interval": "{field}: this check-in has no check-out before the next recorded interval, "
        "which it would overlap",
    },
    "ro_RO": {
        "required": "{field} este obligatoriu",
        "not_empty": "{field} nu poate fi gol",
        "in_list": "{field} trebuie să fie una dintre valorile: {allowed}",
        "valid_date": "{field} trebuie să fie o dată în formatul Y-m-d",
        "valid_time": "{field} trebuie să fie o oră în formatul HH:MM",
        "valid_datetime": "{field} trebuie să fie o dată și o oră în formatul ISO 8601",
        "valid_intervals": "{field} trebuie să fie o listă de intervale HH:MM-HH:MM care nu se suprapun",
        "valid_integer": "{field} trebuie să fie un număr întreg",
        "valid_flag": "{field} trebuie să fie 0 sau 1",
        "valid_cnp": "{field} nu este un CNP valid (cifra de control sau data nașterii)",
        "max_length": "{field} poate avea cel mult {limit} caractere",
        "date_order": "{field} nu poate fi înainte de {other}",
        "time_order": "{field} trebuie să fie după {other}",
        "one_of_forms": "{field}: trimiteți fie start_date și end_date, fie date cu start_time și end_time",
        "unique": "{field} este deja folosit de alt utilizator",
        "user_exists": "{field}: nu există niciun utilizator cu această valoare",
        "event_exists": "{field}: nu există niciun eveniment cu acest id",
        "event_type_exists": "{field}: nu există niciun tip de eveniment cu acest cod",
        "hours_needed": "{field}: acest tip de eveniment adaugă ore, deci trimiteți date cu start_time și end_time",
        "valid_key": "Cheia API nu este validă",
        "already_checked_in": "{field}: utilizatorul este deja pontat la intrare",
        "not_checked_in": "{field}: utilizatorul nu este pontat la intrare",
        "after_check_in": "{field} trebuie să fie după ora de intrare",
        "valid_form": "{field} trebuie să fie multipart/form-data sau application/x-www-form-urlencoded în UTF-8",
        "conflict": "{field}: înregistrarea s-a modificat în timpul salvării; încercați din nou",
        "valid_year": "{field} trebuie să fie un an între {first} și {last}",
        "valid_month": "{field} trebuie să fie o lună între 01 și 12",
        "valid_totals": "{field}: totaluri necunoscute: {names}",
        "required_with": "{field} este obligatoriu când este trimis {other}",
        "rfid_unknown": "{field}: niciun angajat activ nu are acest tag RFID",
        "duplicate_scan": "{field}: această pontare este deja înregistrată",
        "valid_scan_list": "{field} trebuie să fie o listă JSON de obiecte {{date, time, rfidTag, errorMsg}}",
        "valid_scan_time": "{field} trebuie să fie o oră în formatul HH:MM sau HH:MM:SS",
        "max_items": "{field} poate conține cel mult {limit} pontări",
        "inside_interval": "{field}: această pontare cade într-un interval deja înregistrat",
        "overlaps_interval": "{field}: această intrare nu are o ieșire înaintea următorului interval înregistrat, "
        "peste care s-ar suprapune",
    },
}

# Status strings of the status endpoints, and the names of the built-in event types and approval states.
STATUS_TEXTS: Mapping[str, Mapping[str, str]] = {
    "en_US": {
        "at_work": "At work",
        "missing": "Missing",
        "not_at_work_yet": "Not at work yet",
        "left_work": "Left work",
        "day_off": "Day off",
        "paid_leave": "Paid Leave",
        "other_leave": "Sick Leave",
        "overtime": "Overtime",
        "time_off": "Time Off",
        "delegation": "Delegation",
        "approved": "Approved",
        "not_approved": "Not approved",
        "waiting": "Waiting",
        "partially_approved": "Partially approved",
        "not_required": "Not required",
        "request_edit": "Edit requested",
    },
    "ro_RO": {
        "at_work": "La muncă",
        "missing": "Absent",
        "not_at_work_yet": "Nu a ajuns încă la muncă",
        "left_work": "A plecat de la muncă",
        "day_off": "Zi liberă",
        "paid_leave": "Concediu de odihnă",
        "other_leave": "Concediu medical",
        "overtime": "Ore suplimentare",
        "time_off": "Timp liber",
        "delegation": "Delegație",
        "approved": "Aprobat",
        "not_approved": "Neaprobat",
        "waiting": "În așteptare",
        "partially_approved": "Aprobat parțial",
        "not_required": "Nu necesită aprobare",
        "request_edit": "Modificare cerută",
    },
}


def check_message(language: str, check_name: str, field: str, values: Mapping[str, str]) -> str:
    """The validator message of `check_name` for `field`, in `language` (en_US if unknown)."""
    catalogue = CHECK_MESSAGES.get(language, CHECK_MESSAGES[DEFAULT_LANGUAGE])
    return catalogue[check_name].format(field=field, **values)


def status_text(language: str, key: str) -> str:
    """A status string (e.g. "At work") in `language` (en_US if unknown)."""
    return STATUS_TEXTS.get(language, STATUS_TEXTS[DEFAULT_LANGUAGE])[key]
