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
from ..source import find_class
from ..source import find_method
from ..source import Source
from ..source import Splice
from ._flow import PATH

_GUARD = """\
if {context}.live_request_queue.closed:
  return
"""


def _context_name(method: ast.AsyncFunctionDef) -> str:
  for arg in method.args.args:
    if arg.annotation is not None and 'InvocationContext' in ast.unparse(
        arg.annotation
    ):
      return arg.arg
  raise EditError(f'{method.name}() takes no InvocationContext')


def edit(text: str) -> str:
  source = Source(text)
  receive = find_method(
      find_class(source.tree, 'BaseLlmFlow'), '_receive_from_model'
  )
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
  context = _context_name(receive)
  splices = []
  for node in go_aways:
    at = source.start_of_line(node.body[0].lineno)
    guard = block(_GUARD.format(context=context), node.body[0].col_offset)
    splices.append(Splice(at, at, guard))
  return source.apply(splices)
