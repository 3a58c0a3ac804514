"""`_receive_from_model()` stops receiving once the client's close is sent.

Its `while True:` loop asks the connection for one receive stream after
another: google-genai's ends at each turn's end. Once the send loop has taken
the client's close request and closed the connection with it, a stream that
ends without an error means nothing more will come, and a connection that
keeps ending its streams that way (a custom `BaseLlmConnection` may) would
keep the loop spinning. A guard ends the loop there, last in its body. It
waits for the close to be taken, not just made: ending the run earlier would
leave the close request in the queue for the next `run_live()` call with it.
"""

from __future__ import annotations

import ast

from ..source import block
from ..source import EditError
from ..source import Source
from ..source import Splice
from ._flow import CLOSE_TAKEN
from ._flow import context_name
from ._flow import find_receive_from_model
from ._flow import PATH
from ._flow import while_true_loops

_GUARD = """\
# After the client's close, a stream that ends without an error
# means nothing more comes: receiving again would only spin.
if {helper}({context}):
  return
"""


def find_receive_loop(tree: ast.Module) -> tuple[ast.While, str]:
  """`_receive_from_model()`'s loop over receive streams, and its context."""
  receive = find_receive_from_model(tree)
  context = context_name(receive)
  for loop in while_true_loops(receive):
    if '.receive()' in ast.unparse(loop):
      return loop, context
  raise EditError(
      '_receive_from_model() has no `while True:` loop over receive()'
  )


def edit(text: str) -> str:
  source = Source(text)
  loop, context = find_receive_loop(source.tree)
  last = loop.body[-1]
  at = source.end_of_line(last.end_lineno)
  guard = _GUARD.format(helper=CLOSE_TAKEN, context=context)
  return source.apply([Splice(at, at, block(guard, last.col_offset))])
