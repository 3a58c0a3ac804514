"""The server's goAway asks for no new connection once the client has closed.

From 1.29 on, `_receive_from_model()` answers a goAway by asking `run_live()`
for a new connection: by raising `ConnectionClosed(None, None)` into its
reconnect handler, or by yielding a `_ReconnectSentinel`. After the client's
close the receive loop ends instead, which ends the run like a normal close.
"""

from __future__ import annotations

import ast

from ..source import block
from ..source import EditError
from ..source import Source
from ..source import Splice
from ._flow import CLOSED_BY_CLIENT
from ._flow import context_name
from ._flow import find_receive_from_model
from ._flow import PATH

_GUARD = """\
if {helper}({context}):
  return
"""


def edit(text: str) -> str:
  source = Source(text)
  receive = find_receive_from_model(source.tree)
  go_aways = [
      node
      for node in ast.walk(receive)
      if isinstance(node, ast.If)
      and ast.unparse(node.test).endswith('.go_away')
  ]
  if not go_aways:
    if 'go_away' in ast.unparse(receive):
      raise EditError('_receive_from_model() reads go_away outside an `if`')
    return text
  context = context_name(receive)
  splices = []
  for node in go_aways:
    at = source.start_of_line(node.body[0].lineno)
    guard = block(
        _GUARD.format(helper=CLOSED_BY_CLIENT, context=context),
        node.body[0].col_offset,
    )
    splices.append(Splice(at, at, guard))
  return source.apply(splices)
