"""The fix, as in-place edits of upstream files, applied in this order."""

from __future__ import annotations

from typing import Callable

from . import flow_ends_on_client_close
from . import flow_helpers
from . import flow_ignores_go_away_after_close
from . import flow_no_connection_after_close
from . import flow_receive_ends_after_close
from . import queue_remembers_close
from ..source import EditError

EDITS = (
    queue_remembers_close,
    flow_helpers,
    flow_ends_on_client_close,
    flow_no_connection_after_close,
    flow_receive_ends_after_close,
    flow_ignores_go_away_after_close,
)


def apply(read: Callable[[str], str], release: str) -> dict[str, str]:
  """Applies every edit; returns the new text of each file edited.

  `read` returns the pristine text of a file by its path in the package.
  """
  edited = {}
  for edit in EDITS:
    text = edited.get(edit.PATH) or read(edit.PATH)
    try:
      edited[edit.PATH] = edit.edit(text)
    except EditError as e:
      raise EditError(
          f'google-adk {release}: {edit.PATH}: {e}.'
          ' This file is not what the fix expects; please report it with'
          ' the release named.'
      ) from None
  for path, text in edited.items():
    compile(text, path, 'exec')
  return edited
