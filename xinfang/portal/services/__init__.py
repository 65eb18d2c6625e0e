"""Portal writes: submissions, the petitioner's acts, reminder requests, reception days.

``open_reminders`` and ``reminder_mark_handled`` are re-exported here for the supervision pages
(``from xinfang.portal.services import open_reminders``).
"""

from ..selectors import open_reminders
from .petitioner import reminder_mark_handled

__all__ = ["open_reminders", "reminder_mark_handled"]
