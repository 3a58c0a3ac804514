"""The server's goAway asks for no new connection once the client has closed.

From 1.29 on, the receive loop answers a goAway by asking the live run for a
new connection: by raising `ConnectionClosed(None, None)` into its reconnect
handler, or by yielding a `_ReconnectSentinel`. After the client's close the
receive loop ends instead, which ends the run like a normal close.
"""

from __future__ import annotations

import ast

from .. import snippets
from ..families import Family
from ..source import block
from ..source import EditError
from ..source import Source
from ..source import Splice
from ._flow import MODULE
from ._flow import takes_context

TARGET = 'flow'


def find_go_aways(receive: ast.AST) -> list[ast.If]:
  """Each `if <response>.go_away:` in the receive loop."""
  return [
      node
      for node in ast.walk(receive)
      if isinstance(node, ast.If)
      and ast.unparse(node.test).endswith('.go_away')
  ]


def edit(text: str, family: Family) -> str:
  source = Source(text)
  receive = takes_context(source.tree, family.receive)
  go_aways = find_go_aways(receive)
  if not go_aways:
    if 'go_away' in ast.unparse(receive):
      raise EditError(f'{family.receive} reads go_away outside an `if`')
    return text
  guard = snippets.snippet(MODULE, 'at_go_away')
  splices = []
  for node in go_aways:
    at = source.start_of_line(node.body[0].lineno)
    splices.append(Splice(at, at, block(guard, node.body[0].col_offset)))
  return source.apply(splices)
