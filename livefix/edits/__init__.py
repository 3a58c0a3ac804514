"""The fix, as in-place edits of upstream files, applied in this order.

Each edit has `TARGET`, the `Family` attribute naming the file it edits, and
`edit(text, family)`, which returns the file's new text or raises
`EditError` naming what it could not find. `PULL_REQUESTS` names the subsets
that go upstream, one concern each.
"""

from __future__ import annotations

import dataclasses
from types import ModuleType
from typing import Callable

from . import context_shares_close_state
from . import flow_ends_on_client_close
from . import flow_every_normal_closure
from . import flow_hand_over_ends_at_close
from . import flow_helpers
from . import flow_ignores_go_away_after_close
from . import flow_no_connection_after_close
from . import flow_receive_ends_after_close
from . import flow_send_records_close
from . import queue_counts_closes
from .. import families
from ..source import EditError


@dataclasses.dataclass(frozen=True)
class PullRequest:
  """A subset of the edits, one pull request for upstream's main (2.9 on).

  Attributes:
    edits: The edits it makes, in the order they apply.
    after: The pull request whose edits the tree must have already, if any.
  """

  edits: tuple[ModuleType, ...]
  after: str | None = None


# What upstream lacks from 2.9, one concern each, in the order they apply.
PULL_REQUESTS = {
    # No connection after the client's close anywhere in the agent tree, and
    # a reused queue's next run resumes after a drop; normal means 1000 only,
    # as upstream has it.
    'agent-tree': PullRequest(
        (
            queue_counts_closes,
            context_shares_close_state,
            flow_helpers,
            # Before the connection guard, whose own pause it would take for
            # one.
            flow_hand_over_ends_at_close,
            flow_no_connection_after_close,
            flow_ends_on_client_close,
            flow_send_records_close,
            flow_receive_ends_after_close,
            flow_ignores_go_away_after_close,
        )
    ),
    # 1001 and 1005 after the close end the run as 1000 does.
    'normal-closures': PullRequest(
        (flow_every_normal_closure,), after='agent-tree'
    ),
}
# The whole fix: every pull request's edits, in order.
EDITS = tuple(edit for pr in PULL_REQUESTS.values() for edit in pr.edits)


def paths(release: str, chosen=EDITS) -> dict[str, str]:
  """The files the `chosen` edits change in `release`, by target."""
  family = families.family(release)
  return {edit.TARGET: getattr(family, edit.TARGET) for edit in chosen}


def apply(
    read: Callable[[str], str], release: str, chosen=EDITS
) -> dict[str, str]:
  """Applies the `chosen` edits (every one by default); returns the new text
  of each file edited.

  `read` returns the text of a file by its path in the package.
  """
  family = families.family(release)
  edited = {}
  for edit in chosen:
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
