"""The receive loop stops receiving once the client's close is sent.

Its `while True:` loop asks the connection for one receive stream after
another: google-genai's ends at each turn's end. Once the send loop has sent
the client's close and closed the connection with it, a stream that ends
without an error means nothing more will come, and a connection that keeps
ending its streams that way (a custom `BaseLlmConnection` may) would keep the
loop spinning. A guard ends the loop there, last in its body. It waits for
the close to be sent, not just made: ending the run earlier would leave the
close request in the queue for the next `run_live()` call with it.
"""

from __future__ import annotations

from .. import snippets
from ..families import Family
from ..source import block
from ..source import Source
from ..source import Splice
from ._flow import find_receive_loop
from ._flow import MODULE

TARGET = 'flow'


def edit(text: str, family: Family) -> str:
  source = Source(text)
  last = find_receive_loop(source.tree, family).body[-1]
  at = source.end_of_line(last.end_lineno)
  guard = snippets.snippet(MODULE, 'at_receive_loop_end')
  return source.apply([Splice(at, at, block(guard, last.col_offset))])
