"""`LiveRequestQueue` remembers that the client closed it, and for which run.

Upstream's queue only enqueues `LiveRequest(close=True)`; the live flow's send
loop consumes that request, so by the time a connection error is handled
nothing records that the client asked to end the session. This edit counts
the close requests made, through `close()` or `send(LiveRequest(close=True))`,
and those a connection has taken from the queue, each before anything is
awaited. Every close is enqueued, as upstream does from 2.9 on.

`closed` (upstream's name from 2.9 on) and `is_closed` say whether the client
ever closed the queue. `closed_for(invocation_id)` says whether it closed it
for one invocation, one `Runner.run_live()` call with its whole agent tree,
which the live flow first asks about before its first connection: a close
made since then counts at once; one made before, left waiting in the queue,
counts once a connection of the invocation has taken it, after delivering
the requests queued ahead of it, as in stock. A queue reused by a later
`run_live()` call is open for that call until its own close.
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

_STATE = """\
self._closes_made = 0
self._closes_taken = 0
# The invocation `closed_for()` was last asked about, and the counts when it
# first was.
self._invocation_id = None
self._closes_made_before_invocation = 0
self._closes_taken_before_invocation = 0
"""

_SEND_COUNTS_CLOSE = """\
if req.close:
  self._closes_made += 1
"""

_GET_COUNTS_CLOSE = """\
req = await self._queue.get()
if req.close:
  self._closes_taken += 1
return req
"""

_QUERIES = '''\
@property
def closed(self) -> bool:
  """Whether the client has ever closed this queue.

  Set by `close()` or `send(LiveRequest(close=True))` and never cleared.
  """
  return self._closes_made > 0

@property
def is_closed(self) -> bool:
  """Same as `closed`."""
  return self.closed

def closed_for(self, invocation_id: str) -> bool:
  """Whether the client has closed this queue for an invocation.

  The live flow takes the close request from the queue and closes its
  connection with it, so afterwards only this tells the client's close from
  a dropped connection. The agents of one invocation use the queue in turn,
  and invocations use it one after another, so the invocation asked about
  last is the one running; the flow first asks before it first connects.

  Args:
    invocation_id: The `InvocationContext.invocation_id` of the run.

  Returns:
    Whether a close has been made since the invocation was first asked
    about, or a close made before has since been taken from the queue.
  """
  made, taken = self._closes_since(invocation_id)
  return made > 0 or taken > 0

def close_taken_for(self, invocation_id: str) -> bool:
  """Whether a connection of the invocation has taken a close request.

  Args:
    invocation_id: The `InvocationContext.invocation_id` of the run.

  Returns:
    Whether a close has been taken from the queue since the invocation was
    first asked about (see `closed_for()`).
  """
  return self._closes_since(invocation_id)[1] > 0

def _closes_since(self, invocation_id: str) -> tuple[int, int]:
  """Close requests made and taken since the invocation was first asked
  about."""
  if invocation_id != self._invocation_id:
    self._invocation_id = invocation_id
    self._closes_made_before_invocation = self._closes_made
    self._closes_taken_before_invocation = self._closes_taken
  return (
      self._closes_made - self._closes_made_before_invocation,
      self._closes_taken - self._closes_taken_before_invocation,
  )
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


def _dequeued_request(get: ast.AsyncFunctionDef) -> ast.Return:
  """`get()`'s only statement, which returns the next request."""
  match get.body:
    case [ast.Return(value=ast.Await(value=call)) as statement] if (
        ast.unparse(call) == 'self._queue.get()'
    ):
      return statement
  raise EditError(
      'LiveRequestQueue.get() does not just return await self._queue.get()'
  )


def edit(text: str) -> str:
  source = Source(text)
  queue = find_class(source.tree, 'LiveRequestQueue')
  if any(
      getattr(node, 'name', None) in ('closed', 'is_closed', 'closed_for')
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
  get_return = _dequeued_request(find_method(queue, 'get'))
  get_start = source.start_of_line(get_return.lineno)
  get_end = source.end_of_line(get_return.end_lineno)
  return source.apply(
      [
          Splice(init_end, init_end, block(_STATE, init.body[-1].col_offset)),
          Splice(callee_start, callee_end, 'self.send'),
          Splice(
              close_end, close_end, '\n' + block(_QUERIES, close.col_offset)
          ),
          Splice(
              send_start,
              send_start,
              block(_SEND_COUNTS_CLOSE, send.body[0].col_offset),
          ),
          Splice(
              get_start,
              get_end,
              block(_GET_COUNTS_CLOSE, get_return.col_offset),
          ),
      ]
  )
