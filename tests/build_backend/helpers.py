"""Shared by the build backend's tests."""

import ast

from livefix import snippets
from livefix.edits import _flow

# The first and last release of each family (livefix/families.py), both
# handler shapes (no `continue` up to 1.28, `continue` from 1.29), with and
# without the goAway reconnect, and upstream's own `client_closed` (2.9 on).
RELEASES = [
    '1.10.0',
    '1.19.0',
    '1.20.0',
    '1.28.1',
    '1.29.0',
    '1.36.1',
    '1.39.1',
    '2.0.0',
    '2.8.0',
    '2.9.0',
    '2.10.0',
    '2.11.0',
    '2.13.0',
]
# The INFO record of a live session that ends at the client's close.
END_MESSAGE = 'Live request queue closed, ending the live session: %s'


def snippet_statements(name: str) -> list[str]:
  """The statements of a snippet of `livefix/inserted/live_flow.py`."""
  text = snippets.snippet(_flow.MODULE, name)
  return [ast.unparse(statement) for statement in ast.parse(text).body]


def logs_the_end(tree: ast.Module, node: ast.AST) -> bool:
  """Whether `node` logs `END_MESSAGE`, itself or through a function of the
  module that it calls."""
  functions = {
      function.name: function
      for function in tree.body
      if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
  }
  to_read, read = [node], set()
  while to_read:
    for call in ast.walk(to_read.pop()):
      if not isinstance(call, ast.Call):
        continue
      called = ast.unparse(call.func)
      if called == 'logger.info' and [
          getattr(arg, 'value', None) for arg in call.args[:1]
      ] == [END_MESSAGE]:
        return True
      if called in functions and called not in read:
        read.add(called)
        to_read.append(functions[called])
  return False


def assert_upstream_style(lines: list[str]) -> None:
  """Inserted lines read like upstream's: pyink's 80 columns, 2-space indents."""
  for line in lines:
    assert len(line) <= 80, line
    assert (len(line) - len(line.lstrip(' '))) % 2 == 0, line
    assert '\t' not in line and '"' not in line.replace('"""', ''), line
