"""The live run opens no connection once the queue was closed in its invocation.

Before the reconnect loop, the invocation records how many closes the queue
had when it began (only the first agent of the tree to get there counts).
A guard then goes first in each attempt of the loop, ahead of `connect()`.
Every connection of an invocation passes it: the first, each reconnect, the
next attempt after a connection that ended without an error (until 1.29 the
receive loop swallows `ConnectionClosedOK`), and the first connection of each
further agent of the tree: the sub-agent a transfer hands over to, and the
next agent of a `SequentialAgent` or of a custom agent that runs its
sub-agents in turn. Each of them runs the live flow with the same queue and a
copy of the same invocation context, so this one guard covers them all.
"""

from __future__ import annotations

from .. import snippets
from ..families import Family
from ..source import block
from ..source import Source
from ..source import Splice
from ._flow import find_reconnect_loop
from ._flow import MODULE

TARGET = 'flow'


def edit(text: str, family: Family) -> str:
  source = Source(text)
  loop = find_reconnect_loop(source.tree, family)
  try_ = loop.body[0]
  before_loop = source.start_of_line(loop.lineno)
  # After the `try:` line, ahead of the comments that open the attempt.
  after_try = source.end_of_line(try_.lineno)
  return source.apply(
      [
          Splice(
              before_loop,
              before_loop,
              block(
                  snippets.snippet(MODULE, 'at_reconnect_loop'), loop.col_offset
              ),
          ),
          Splice(
              after_try,
              after_try,
              block(
                  snippets.snippet(MODULE, 'at_connection_attempt'),
                  try_.body[0].col_offset,
              ),
          ),
      ]
  )
