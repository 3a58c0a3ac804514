"""`LiveRequestQueue` remembers that the client closed it.

Upstream's queue only enqueues `LiveRequest(close=True)`; the live flow's send
loop consumes that request, so by the time a connection error is handled
nothing records that the client asked to end the session. This edit adds a
sticky flag, set synchronously by `close()` and `send(LiveRequest(close=True))`,
read through `closed` (upstream's name from 2.9 on) and `is_closed`. A second
close enqueues nothing: there is no second connection to close.
"""

from __future__ import annotations

import ast

from ..source import block
from ..source import EditError
from ..source import find_class
from ..source import find_method
from ..source import Source
from ..source import Splice

PATH = 'google/adk/agents/live_request_queue.py'

_FLAG = """\
self._closed = False
"""

_SEND_RECORDS_CLOSE = """\
if req.close:
  if self._closed:
    return
  self._closed = True
"""

_PROPERTIES = '''\
@property
def closed(self) -> bool:
  """Whether the client has closed this queue.

  Set by `close()` or `send(LiveRequest(close=True))` and never cleared. The
  close request itself is consumed by the connection it closes, so this is how
  the live flow tells the client's close from a dropped connection.
  """
  return self._closed

@property
def is_closed(self) -> bool:
  """Same as `closed`."""
  return self._closed
'''


def _enqueued_close_request(close: ast.FunctionDef) -> ast.expr:
  """The `self._queue.put_nowait` callee of `close()`'s only statement."""
  match close.body:
    case [ast.Expr(value=ast.Call(func=func, args=[request]))] if (
        ast.unparse(func) == 'self._queue.put_nowait'
        and ast.unparse(request) == 'LiveRequest(close=True)'
    ):
      return func
  raise EditError(
      'LiveRequestQueue.close() does not just enqueue LiveRequest(close=True)'
  )


def edit(text: str) -> str:
  source = Source(text)
  queue = find_class(source.tree, 'LiveRequestQueue')
  if any(
      getattr(node, 'name', None) in ('closed', 'is_closed')
      for node in queue.body
  ):
    raise EditError('LiveRequestQueue already has a closed property')
  init = find_method(queue, '__init__')
  close = find_method(queue, 'close')
  send = find_method(queue, 'send')
  match send.args.args:
    case [_, ast.arg(arg='req')]:
      pass
    case _:
      raise EditError('LiveRequestQueue.send() does not take `req`')

  init_end = source.end_of_line(init.body[-1].end_lineno)
  send_start = source.start_of_line(send.body[0].lineno)
  close_end = source.end_of_line(close.end_lineno)
  callee_start, callee_end = source.span(_enqueued_close_request(close))
  return source.apply(
      [
          Splice(init_end, init_end, block(_FLAG, init.body[-1].col_offset)),
          Splice(callee_start, callee_end, 'self.send'),
          Splice(
              close_end, close_end, '\n' + block(_PROPERTIES, close.col_offset)
          ),
          Splice(
              send_start,
              send_start,
              block(_SEND_RECORDS_CLOSE, send.body[0].col_offset),
          ),
      ]
  )
