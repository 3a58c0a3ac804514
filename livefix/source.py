"""Structural edits of Python source: find targets with `ast`, splice text.

Edits never reformat what they do not touch: every change is a splice at
offsets taken from the syntax tree, so the rest of the file stays byte-for-byte
as upstream wrote it.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import textwrap

# The edited files follow upstream's formatter: 2-space indentation, 80 columns.
INDENT = '  '
MAX_LINE = 80


def defined_names(tree: ast.Module) -> set[str]:
  """The names a module's top level defines: its functions, classes and
  plainly assigned names."""
  return {getattr(node, 'name', None) for node in tree.body} | {
      target.id
      for node in tree.body
      if isinstance(node, ast.Assign)
      for target in node.targets
      if isinstance(target, ast.Name)
  }


class EditError(Exception):
  """The code an edit expects is not in the file."""


@dataclasses.dataclass(frozen=True)
class Splice:
  start: int
  end: int
  text: str


class Source:
  """A module's text with its syntax tree and offset look-ups."""

  def __init__(self, text: str):
    self.text = text
    self.tree = ast.parse(text)
    self._line_starts = [0]
    for line in text.splitlines(keepends=True):
      self._line_starts.append(self._line_starts[-1] + len(line))

  def offset(self, lineno: int, col: int) -> int:
    """Text offset of an `ast` position (its column counts UTF-8 bytes)."""
    start = self._line_starts[lineno - 1]
    line = self.text[start : self._line_starts[lineno]]
    return start + len(line.encode()[:col].decode())

  def start_of_line(self, lineno: int) -> int:
    return self._line_starts[lineno - 1]

  def end_of_line(self, lineno: int) -> int:
    """Offset just past the newline that ends line `lineno`."""
    return self._line_starts[lineno]

  def start_of_definition(self, node: ast.stmt) -> int:
    """Offset of the line a definition starts on: its first decorator's."""
    decorators = getattr(node, 'decorator_list', [])
    return self.start_of_line(
        min([node.lineno] + [d.lineno for d in decorators])
    )

  def span(self, node: ast.AST) -> tuple[int, int]:
    return (
        self.offset(node.lineno, node.col_offset),
        self.offset(node.end_lineno, node.end_col_offset),
    )

  def segment(self, node: ast.AST) -> str:
    start, end = self.span(node)
    return self.text[start:end]

  def apply(self, splices: list[Splice]) -> str:
    """Returns the text with non-overlapping splices applied."""
    text = self.text
    last_start = len(text) + 1
    for splice in sorted(splices, key=lambda s: s.start, reverse=True):
      if splice.end > last_start:
        raise ValueError(f'overlapping splices at offset {splice.start}')
      text = text[: splice.start] + splice.text + text[splice.end :]
      last_start = splice.start
    return text


def block(code: str, col: int) -> str:
  """Dedents `code` and indents it to column `col`, keeping blank lines empty."""
  return textwrap.indent(textwrap.dedent(code).lstrip('\n'), ' ' * col)


def find_class(tree: ast.Module, name: str) -> ast.ClassDef:
  for node in tree.body:
    if isinstance(node, ast.ClassDef) and node.name == name:
      return node
  raise EditError(f'no class {name}')


def find_method(
    cls: ast.ClassDef, name: str
) -> ast.FunctionDef | ast.AsyncFunctionDef:
  for node in cls.body:
    if (
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.name == name
    ):
      return node
  raise EditError(f'no method {cls.name}.{name}()')


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
  """The lines removed from `old` and the lines added in `new`."""
  removed, added = [], []
  for line in difflib.ndiff(old.splitlines(), new.splitlines()):
    if line.startswith('- '):
      removed.append(line[2:])
    elif line.startswith('+ '):
      added.append(line[2:])
  return removed, added
