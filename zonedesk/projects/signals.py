"""Signals of the key-project register for modules built on it.

`projects_bulk_changed` is sent after a bulk write that bypasses `Model.save()` (the Excel
import's `bulk_update`), with `project_ids` and `by`, so that listeners that otherwise follow
`post_save` (the investment module moves a lead forward when its project starts) see it too.
"""

from django.dispatch import Signal

projects_bulk_changed = Signal()
