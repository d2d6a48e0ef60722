"""Participants: the list, its import, and who is here.

The rooms (ARCHITECTURE.md): ``model`` (Participant, the results ops hand back, the
attendance summary, pure rules), ``importer`` (the pure engine that reads and checks a CSV or
XLSX list), ``queries`` (reads, never writes), ``ops`` (every change, with its actor) and
``cli`` (``python -m facilitator import | people | check-in``).

The public names are re-exported here so that ``from facilitator.people import get`` works.
"""

from facilitator.people.importer import (
    AUTO,
    ImportFileError,
    ParsedList,
    ParsedPerson,
    RawTable,
    guess_columns,
    parse_people,
    people_from_table,
    read_table,
)
from facilitator.people.links import HOTSPOTS, BadgeLink, BadgeLinkError, parse_link
from facilitator.people.model import (
    ROLES,
    AttendanceError,
    AttendanceSummary,
    FieldChange,
    ImportReport,
    NotFoundError,
    Participant,
    ParticipantResult,
    search_key,
    search_words,
)
from facilitator.people.ops import (
    add_walk_in,
    check_in,
    clear_no_show,
    import_people,
    mark_no_show,
    set_badge_link,
    undo_check_in,
)
from facilitator.people.queries import (
    attendance_summary,
    attribute_columns,
    badge_link,
    find_by_scan,
    get,
    list_participants,
    search,
    unique_badge_code,
)

__all__ = [
    "AUTO",
    "HOTSPOTS",
    "ROLES",
    "AttendanceError",
    "AttendanceSummary",
    "BadgeLink",
    "BadgeLinkError",
    "FieldChange",
    "ImportFileError",
    "ImportReport",
    "NotFoundError",
    "ParsedList",
    "ParsedPerson",
    "Participant",
    "ParticipantResult",
    "RawTable",
    "add_walk_in",
    "attendance_summary",
    "attribute_columns",
    "badge_link",
    "check_in",
    "clear_no_show",
    "find_by_scan",
    "get",
    "guess_columns",
    "import_people",
    "list_participants",
    "mark_no_show",
    "parse_link",
    "parse_people",
    "people_from_table",
    "read_table",
    "search",
    "search_key",
    "search_words",
    "set_badge_link",
    "undo_check_in",
    "unique_badge_code",
]
