"""`LiveRequestQueue` counts the close requests made on it.

Upstream's queue only enqueues `LiveRequest(close=True)` (2.9 on also sets a
sticky `closed`), and the send loop consumes that request, so by the time a
connection error is handled nothing says whether the client asked to end the
session during this run. Counting each close, through `close()` or
`send(LiveRequest(close=True))`, before anything is awaited, lets a live
invocation compare the count with what it was when it began
(`context_shares_close_state`). The count starts as a class attribute, just
before `__init__()`, so that a subclass that never runs it still has one. `send()` and `get()` take and hand out
whatever they did before; `closed` is added where upstream has none.
"""

from __future__ import annotations

import ast

from .. import snippets
from ..families import Family
from ..source import block
from ..source import EditError
from ..source import find_class
from ..source import find_method
from ..source import Source
from ..source import Splice

TARGET = 'queue'
_MODULE = 'live_request_queue'
_CLASS = 'LiveRequestQueue'


def _snippet(name: str) -> str:
  return snippets.snippet(_MODULE, name, _CLASS)


def _first(function: ast.FunctionDef) -> ast.stmt:
  """The first statement of `function` after its docstring."""
  body = function.body
  if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
    body = body[1:]
  if not body:
    raise EditError(f'LiveRequestQueue.{function.name}() has no statements')
  return body[0]


def _checks_close(send: ast.FunctionDef, req: str) -> ast.If | None:
  """`send()`'s own `if req.close:`, where it has one (2.9 on)."""
  for node in send.body:
    if isinstance(node, ast.If) and ast.unparse(node.test) == f'{req}.close':
      return node
  return None


def edit(text: str, family: Family) -> str:
  del family  # The queue reads the same in every family.
  source = Source(text)
  queue = find_class(source.tree, _CLASS)
  if '_closes_made' in ast.unparse(queue):
    raise EditError('LiveRequestQueue already counts closes')
  init = find_method(queue, '__init__')
  close = find_method(queue, 'close')
  send = find_method(queue, 'send')
  match send.args.args:
    case [_, ast.arg(arg='req')]:
      pass
    case _:
      raise EditError('LiveRequestQueue.send() does not take `req`')

  def before(statement: ast.stmt, name: str) -> Splice:
    at = source.start_of_line(statement.lineno)
    return Splice(at, at, block(_snippet(name), statement.col_offset))

  before_init = source.start_of_definition(init)
  counter = snippets.definition(_MODULE, '_closes_made', _CLASS)
  splices = [
      Splice(
          before_init,
          before_init,
          block(counter, init.col_offset) + '\n',
      ),
      before(_first(close), 'at_close'),
  ]
  own_check = _checks_close(send, 'req')
  if own_check:
    splices.append(before(own_check.body[0], 'at_close'))
  else:
    splices.append(before(_first(send), 'at_send'))
  members = {getattr(node, 'name', None) for node in queue.body}
  if 'closed' not in members:
    close_end = source.end_of_line(close.end_lineno)
    closed = snippets.definition(_MODULE, 'closed', _CLASS)
    splices.append(
        Splice(close_end, close_end, '\n' + block(closed, close.col_offset))
    )
  return source.apply(splices)
