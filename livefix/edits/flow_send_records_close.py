"""The send loop records, for the invocation, that it sent the client's close.

Each release's send loop reads the queue and answers `LiveRequest(close=True)`
by closing the connection. Recording it there, first in that `if`, makes the
close count for the invocation whatever the queue is: one that replaces
`close()` and `send()` without calling them still hands the request to ADK.
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


def edit(text: str, family: Family) -> str:
  source = Source(text)
  send = takes_context(source.tree, family.send)
  checks = [
      node
      for node in ast.walk(send)
      if isinstance(node, ast.If)
      and isinstance(node.test, ast.Attribute)
      and node.test.attr == 'close'
      and isinstance(node.test.value, ast.Name)
  ]
  if len(checks) != 1:
    raise EditError(
        f'{family.send} does not check one request for `.close` (found'
        f' {len(checks)})'
    )
  first = checks[0].body[0]
  at = source.start_of_line(first.lineno)
  record = snippets.snippet(MODULE, 'at_send_close')
  return source.apply([Splice(at, at, block(record, first.col_offset))])
