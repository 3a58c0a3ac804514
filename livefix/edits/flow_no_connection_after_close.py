"""`run_live()` opens no connection once the client has closed the queue.

A guard goes first in each attempt of the reconnect loop, ahead of
`llm.connect()`. Every connection of an invocation passes it: the first, each
reconnect, the next attempt after a connection that ended without an error
(until 1.29 the receive loop swallows `ConnectionClosedOK`), and the first
connection of each further agent of the tree: the sub-agent a transfer hands
over to, and the next agent of a `SequentialAgent` or of a custom agent that
runs its sub-agents in turn. Each of them calls `run_live()` of its own flow
with the same queue, so this one guard covers them all.
"""

from __future__ import annotations

from ..source import block
from ..source import Source
from ..source import Splice
from ._flow import ENDS_RUN
from ._flow import find_reconnect_loop
from ._flow import PATH

_GUARD = 'if {closed}:\n' + ENDS_RUN


def edit(text: str) -> str:
  source = Source(text)
  loop = find_reconnect_loop(source.tree)
  # After the `try:` line, ahead of the comments that open the attempt.
  at = source.end_of_line(loop.try_.lineno)
  guard = _GUARD.format(closed=loop.closed_by_client, context=loop.context)
  col = loop.try_.body[0].col_offset
  return source.apply([Splice(at, at, block(guard, col))])
