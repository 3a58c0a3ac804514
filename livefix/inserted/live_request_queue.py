"""What the fix adds to `LiveRequestQueue`.

The module is `google/adk/agents/live_request_queue.py` up to 2.8 and
`google/adk/live/live_request_queue.py` from 2.9 (see `livefix.families`),
where upstream's own sticky `closed` already exists and is kept; elsewhere
`closed` goes after `close()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
  from google.adk.agents.live_request_queue import LiveRequest


class LiveRequestQueue:
  """Stands for upstream's class: the members below are inserted."""

  # Every close request made, by close() or send(): a live invocation tells
  # its own close by comparing it with what it was when it began. A class
  # attribute, so that a subclass that never runs __init__() counts from 0.
  _closes_made = 0

  def at_close(self) -> None:
    """First in `close()`, and first in `send()`'s own `if req.close:`."""
    self._closes_made += 1

  def at_send(self, req: LiveRequest) -> None:
    """First in `send()` where it does not check `req.close` itself."""
    if isinstance(req, LiveRequest) and req.close:
      self._closes_made += 1

  @property
  def closed(self) -> bool:
    """Whether the client has ever closed this queue.

    Set by `close()` or `send(LiveRequest(close=True))` and never cleared.
    """
    return self._closes_made > 0
