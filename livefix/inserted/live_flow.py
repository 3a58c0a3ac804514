"""What the fix adds to upstream's live flow module.

The module is `google/adk/flows/llm_flows/base_llm_flow.py` up to 2.8,
`flows/llm_flows/_live_llm_flow.py` in 2.9 and 2.10 and
`live/_live_llm_flow.py` from 2.11 (see `livefix.families`). The helpers go
before the module's first class or function that the edits touch; each
`at_` snippet goes where its docstring says.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from websockets.exceptions import ConnectionClosed
from websockets.exceptions import ConnectionClosedOK

if TYPE_CHECKING:
  from google.adk.agents.invocation_context import InvocationContext

logger = logging.getLogger('google_adk.' + __name__)

_NORMAL_CLOSURE_CODES = (1000,)


def _is_normal_closure(error: Exception) -> bool:
  """Returns whether `error` ends a live connection closed normally."""
  from google.genai import errors

  if isinstance(error, ConnectionClosedOK):
    return True
  if isinstance(error, ConnectionClosed):
    code = error.rcvd.code if error.rcvd else None
  elif isinstance(error, errors.APIError):
    code = error.code
  else:
    return False
  return code in _NORMAL_CLOSURE_CODES


def _closed_by_client(invocation_context: InvocationContext) -> bool:
  """Returns whether the live request queue was closed in this invocation."""
  return invocation_context._live_close_state.closed(
      invocation_context.live_request_queue
  )


def _client_close_taken(invocation_context: InvocationContext) -> bool:
  """Returns whether a connection of this invocation has sent the close."""
  return invocation_context._live_close_state.close_taken


def _end_live_session(invocation_context: InvocationContext) -> None:
  """Logs, once for each agent of the invocation, that it ends at the close."""
  state = invocation_context._live_close_state
  agent = invocation_context.agent.name
  if not state.has_ended(agent):
    state.end(agent)
    logger.info('Live request queue closed, ending the live session: %s', agent)


async def _hand_over_pause(
    delay: float,
    invocation_context: InvocationContext,
    send_task: asyncio.Task,
) -> None:
  """Waits `delay` seconds before a hand-over, as ADK does, or only until the
  send loop has sent the client's close: then nothing is left to hand over."""
  loop = asyncio.get_running_loop()
  deadline = loop.time() + delay
  await asyncio.wait([send_task], timeout=delay)
  if not _closed_by_client(invocation_context):
    await asyncio.sleep(max(0.0, deadline - loop.time()))


def at_reconnect_loop(invocation_context: InvocationContext) -> None:
  """Just before the reconnect loop (`while True:`) of the live run."""
  # Closes already made count for this invocation once a connection sends
  # them, after what was queued ahead of them; later ones count at once.
  invocation_context._live_close_state.begin(
      invocation_context.live_request_queue
  )


async def at_connection_attempt(invocation_context: InvocationContext) -> None:
  """First in each attempt of the reconnect loop, ahead of `connect()`."""
  if _closed_by_client(invocation_context):
    _end_live_session(invocation_context)
    # A custom agent may run its sub-agents in a loop that comes
    # straight back here: let the other tasks run each time.
    await asyncio.sleep(0)
    return


def at_reconnecting_handler(
    invocation_context: InvocationContext, e: Exception
) -> None:
  """First in a reconnect-loop handler that can reconnect (`continue`)."""
  if _closed_by_client(invocation_context):
    if _is_normal_closure(e):
      _end_live_session(invocation_context)
      return
    raise


def at_other_handler(
    invocation_context: InvocationContext, e: Exception
) -> None:
  """First in a reconnect-loop handler that never reconnects."""
  if _is_normal_closure(e) and _closed_by_client(invocation_context):
    _end_live_session(invocation_context)
    return


def at_client_closed(invocation_context: InvocationContext) -> bool:
  """The value of upstream's `client_closed` (2.9 on): closed in this
  invocation rather than ever, so a reused queue resumes after a drop."""
  return _closed_by_client(invocation_context)


def at_send_close(invocation_context: InvocationContext) -> None:
  """First in the send loop's `if live_request.close:`."""
  invocation_context._live_close_state.take_close()


def at_receive_loop_end(invocation_context: InvocationContext) -> None:
  """Last in the receive loop, which asks for one stream after another."""
  # After the close is sent, a stream that ends without an error means
  # nothing more comes: receiving again would only spin.
  if _client_close_taken(invocation_context):
    return


def at_go_away(invocation_context: InvocationContext) -> None:
  """First in each `if <response>.go_away:` of the receive loop."""
  if _closed_by_client(invocation_context):
    return
