"""`InvocationContext` carries the client's close as its invocation sees it.

One `Runner.run_live()` call runs a whole agent tree on one queue: a
transfer's sub-agent and the next agent of a sequence each get a copy of the
invocation context. A private attribute shared by every copy, like the
invocation's cost manager, is the one owner of what the invocation knows of
the close: how many closes the queue had when it began, and whether one of
its connections has sent a close. `_LiveCloseState` answers from those
without changing them.
"""

from __future__ import annotations

import ast

from .. import snippets
from ..families import Family
from ..source import block
from ..source import EditError
from ..source import find_class
from ..source import Source
from ..source import Splice

TARGET = 'context'
_MODULE = 'invocation_context'
_CLASS = 'InvocationContext'
# The class the edit adds, as livefix/inserted/invocation_context.py names it.
STATE_CLASS = '_LiveCloseState'


def _is_private_attr(node: ast.stmt) -> bool:
  return (
      isinstance(node, ast.AnnAssign)
      and isinstance(node.value, ast.Call)
      and ast.unparse(node.value.func) == 'PrivateAttr'
  )


def edit(text: str, family: Family) -> str:
  del family  # The context reads the same in every family.
  source = Source(text)
  context = find_class(source.tree, _CLASS)
  if STATE_CLASS in text:
    raise EditError(f'{STATE_CLASS} is already defined')
  private = [i for i, node in enumerate(context.body) if _is_private_attr(node)]
  if not private:
    raise EditError('InvocationContext has no PrivateAttr attribute')
  last = context.body[private[-1]]
  following = context.body[private[-1] + 1 : private[-1] + 2]
  if following and isinstance(following[0], ast.Expr):
    last = following[0]  # Its attribute docstring.
  attribute = snippets.definition(_MODULE, '_live_close_state', _CLASS)
  after_last = source.end_of_line(last.end_lineno)
  before_class = source.start_of_definition(context)
  state = snippets.definition(_MODULE, STATE_CLASS)
  return source.apply(
      [
          Splice(before_class, before_class, state + '\n\n'),
          Splice(
              after_last, after_last, '\n' + block(attribute, last.col_offset)
          ),
      ]
  )
