"""The fix, as in-place edits of upstream files, applied in this order.

Each edit has `TARGET`, the `Family` attribute naming the file it edits, and
`edit(text, family)`, which returns the file's new text or raises
`EditError` naming what it could not find.
"""

from __future__ import annotations

from typing import Callable

from . import context_shares_close_state
from . import flow_ends_on_client_close
from . import flow_hand_over_ends_at_close
from . import flow_helpers
from . import flow_ignores_go_away_after_close
from . import flow_no_connection_after_close
from . import flow_receive_ends_after_close
from . import flow_send_records_close
from . import queue_counts_closes
from .. import families
from ..source import EditError

EDITS = (
    queue_counts_closes,
    context_shares_close_state,
    flow_helpers,
    # Before the connection guard, whose own pause it would take for one.
    flow_hand_over_ends_at_close,
    flow_no_connection_after_close,
    flow_ends_on_client_close,
    flow_send_records_close,
    flow_receive_ends_after_close,
    flow_ignores_go_away_after_close,
)


def paths(release: str) -> dict[str, str]:
  """The files the fix edits in `release`, by target."""
  family = families.family(release)
  return {edit.TARGET: getattr(family, edit.TARGET) for edit in EDITS}


def apply(read: Callable[[str], str], release: str) -> dict[str, str]:
  """Applies every edit; returns the new text of each file edited.

  `read` returns the pristine text of a file by its path in the package.
  """
  family = families.family(release)
  edited = {}
  for edit in EDITS:
    path = getattr(family, edit.TARGET)
    text = edited.get(path) or read(path)
    try:
      edited[path] = edit.edit(text, family)
    except EditError as e:
      raise EditError(
          f'google-adk {release}: {path}: {e}.'
          ' This file is not what the fix expects; please report it with'
          ' the release named.'
      ) from None
  for path, text in edited.items():
    compile(text, path, 'exec')
  return edited
