"""A hand-over does not wait out its pause once the client has closed.

Before it hands over (to the sub-agent of a transfer, or back to a sequence
at `task_completed`), the live run pauses: `asyncio.sleep()` of a second,
while the send loop still runs. The pause becomes `_hand_over_pause()`, the
same sleep unless the send loop sends the client's close meanwhile: then the
run goes on at once, and the next agent's guard ends it.
"""

from __future__ import annotations

import ast

from ..families import Family
from ..source import EditError
from ..source import INDENT
from ..source import MAX_LINE
from ..source import Source
from ..source import Splice
from ._flow import CONTEXT
from ._flow import find_reconnect_loop

TARGET = 'flow'
# The helper the pause becomes, as livefix/inserted/live_flow.py names it.
PAUSE = '_hand_over_pause'
_SEND_TASK = 'send_task'
# A hand-over after a transfer, and one at `task_completed`.
_PAUSES = 2


def find_pauses(try_: ast.Try) -> list[ast.Expr]:
  """The `await asyncio.sleep(...)` statements of the connection attempt."""
  return [
      node
      for statement in try_.body
      for node in ast.walk(statement)
      if isinstance(node, ast.Expr)
      and isinstance(node.value, ast.Await)
      and isinstance(node.value.value, ast.Call)
      and ast.unparse(node.value.value.func) == 'asyncio.sleep'
  ]


def _call(delay: str, col: int) -> str:
  """The call, laid out as upstream's formatter lays it out at column `col`:
  on one line where it fits, else its arguments on a line of their own, else
  one argument a line."""
  args = [delay, CONTEXT, _SEND_TASK]
  one_line = f'{PAUSE}({", ".join(args)})'
  if col + len('await ') + len(one_line) <= MAX_LINE:
    return one_line
  inner = ' ' * col + INDENT * 2
  if len(inner) + len(', '.join(args)) <= MAX_LINE:
    lines = [', '.join(args)]
  else:
    lines = [f'{arg},' for arg in args]
  body = ''.join(f'{inner}{line}\n' for line in lines)
  return f'{PAUSE}(\n{body}{" " * col})'


def edit(text: str, family: Family) -> str:
  source = Source(text)
  try_ = find_reconnect_loop(source.tree, family).body[0]
  if _SEND_TASK not in ast.unparse(try_):
    raise EditError(f'{family.run_live} has no `{_SEND_TASK}`')
  pauses = find_pauses(try_)
  if len(pauses) != _PAUSES:
    raise EditError(
        f'{family.run_live} pauses {len(pauses)} times before a hand-over,'
        f' not {_PAUSES}'
    )
  splices = []
  for pause in pauses:
    sleep = pause.value.value
    (delay,) = sleep.args
    start, end = source.span(sleep)
    call = _call(source.segment(delay), pause.col_offset)
    splices.append(Splice(start, end, call))
  return source.apply(splices)
