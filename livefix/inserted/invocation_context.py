"""What the fix adds to `google/adk/agents/invocation_context.py`.

`_LiveCloseState` goes before `class InvocationContext`, and the
`_live_close_state` attribute after the class's last private attribute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
  from google.adk.agents.live_request_queue import LiveRequestQueue
  from pydantic import PrivateAttr


class _LiveCloseState:
  """Where the client's close of the live request queue stands for one
  invocation: one `Runner.run_live()` call with its whole agent tree.

  Every copy of the invocation context shares it, as it shares the queue, so
  a transfer's sub-agent and the next agent of a sequence see the same close.
  """

  def __init__(self) -> None:
    self._closes_before: int | None = None
    self._close_taken = False
    self._ended_agents: set[str] = set()

  def begin(self, queue: LiveRequestQueue) -> None:
    """Records the closes the queue had when the invocation first connects.

    Only the first call counts; every agent of the tree makes one.
    """
    if self._closes_before is None:
      self._closes_before = queue._closes_made

  def take_close(self) -> None:
    """Records that a connection of the invocation has sent the close."""
    self._close_taken = True

  @property
  def close_taken(self) -> bool:
    """Whether a connection of the invocation has sent the client's close."""
    return self._close_taken

  def end(self, agent_name: str) -> None:
    """Records that an agent's live session ended at the close."""
    self._ended_agents.add(agent_name)

  def has_ended(self, agent_name: str) -> bool:
    """Whether an agent's live session ended at the close."""
    return agent_name in self._ended_agents

  def closed(self, queue: LiveRequestQueue) -> bool:
    """Whether the client has closed `queue` in this invocation.

    A close made since the invocation began counts at once. One made before
    and still waiting in the queue counts once a connection has sent it,
    after the requests queued ahead of it.
    """
    return self._close_taken or (
        self._closes_before is not None
        and queue._closes_made > self._closes_before
    )


class InvocationContext:
  """Stands for upstream's class: only the attribute below is inserted."""

  _live_close_state: _LiveCloseState = PrivateAttr(
      default_factory=_LiveCloseState
  )
  """The client's close of the live request queue, as the invocation sees it."""
