"""`run_live()` never reconnects once the client has closed the queue.

Every `if` of the reconnect loop that leads to a new connection (a `continue`
of the loop, after a dropped connection or the server's goAway) gets
`and not <queue>.closed`. Once the client has closed, a drop then takes the
path stock takes without a resumption handle, and a goAway ends the run.
"""

from __future__ import annotations

import ast

from ..source import EditError
from ..source import INDENT
from ..source import MAX_LINE
from ..source import Source
from ..source import Splice
from ._flow import continues_loop
from ._flow import find_reconnect_loop
from ._flow import PATH

# Conditions that bind looser than `and` need parentheses to be extended.
_LOOSER_THAN_AND = (ast.IfExp, ast.NamedExpr, ast.Lambda)


def _reconnect_ifs(statements: list[ast.stmt]) -> list[ast.If]:
  """The outermost `if` statements under which the loop is continued."""
  found = []
  for statement in statements:
    if not continues_loop(statement):
      continue
    if isinstance(statement, ast.If):
      found.append(statement)
    elif isinstance(statement, ast.Continue):
      raise EditError(
          f'line {statement.lineno}: run_live() reconnects without a condition'
      )
    else:
      for field in ('body', 'orelse', 'finalbody', 'handlers'):
        found += _reconnect_ifs(getattr(statement, field, []))
  return found


def _operands(source: Source, test: ast.expr) -> list[str]:
  if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
    values = test.values
  else:
    values = [test]
  operands = []
  for value in values:
    text = source.segment(value)
    if '\n' in text:
      text = ast.unparse(value)
    if isinstance(value, _LOOSER_THAN_AND) or (
        isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or)
    ):
      text = f'({text})'
    operands.append(text)
  return operands


def _header_end(source: Source, node: ast.If) -> int:
  """Offset just past the `:` that ends the `if` header."""
  at = source.span(node.test)[1]
  while source.text[at] in ' \t\n)':
    at += 1
  if source.text[at] != ':':
    raise EditError(f'line {node.lineno}: unexpected `if` header')
  return at + 1


def _header(operands: list[str], col: int) -> str:
  one_line = f'if {" and ".join(operands)}:'
  if col + len(one_line) <= MAX_LINE:
    return one_line
  inner = ' ' * col + INDENT * 2
  lines = [inner + operands[0]] + [inner + f'and {o}' for o in operands[1:]]
  return 'if (\n' + '\n'.join(lines) + '\n' + ' ' * col + '):'


def edit(text: str) -> str:
  source = Source(text)
  loop = find_reconnect_loop(source.tree)
  reconnects = _reconnect_ifs(loop.try_.body)
  for handler in loop.try_.handlers:
    reconnects += _reconnect_ifs(handler.body)
  splices = []
  for node in reconnects:
    operands = _operands(source, node.test)
    operands.append(f'not {loop.closed_by_client}')
    start = source.offset(node.lineno, node.col_offset)
    splices.append(
        Splice(
            start,
            _header_end(source, node),
            _header(operands, node.col_offset),
        )
    )
  return source.apply(splices)
