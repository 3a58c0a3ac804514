"""Applies the fix to an upstream source tree, for a pull request.

The tree is a git checkout of adk-python at a release, or an unpacked
google-adk sdist: both keep the package under `src/google/adk/`. The whole
fix brings this repository's unit tests along, adapted to the tree: the
release table they consult moves beside them, and the `needs_fix` marks,
which only this repository's stock runs read, are dropped. One pull request
for upstream's main (`--pr`) brings its own tests, written for upstream's
tree as they are.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
import pathlib
import subprocess

from . import edits
from . import families
from . import releases
from . import source
from .edits import context_shares_close_state

_ROOT = pathlib.Path(__file__).resolve().parent.parent
_TESTS = _ROOT / 'tests'
# Each pull request's tests, by its name, laid out as in upstream's tests/.
_PR_TESTS = _ROOT / 'contributing' / 'upstream_tests'
# The files of tests of the live flow module start with this.
_FLOW_TESTS = 'test_live_llm_flow'
# What stock does on each release, as our tests import it, and as the copied
# tests import it from beside them.
_RELEASE_TABLE = 'tests.upstream_behaviour'
_RELEASE_TABLE_THERE = 'live_close_releases'
# The marks only this repository's stock runs read (tests/marks.py).
_MARKS = 'tests.marks'
_NEEDS_FIX = 'pytest.mark.needs_fix'
# Where each of our files goes in the tree, by its path under tests/.
_TEST_FILES = {
    'unittests/agents/test_live_request_queue_close.py': (
        'unittests/agents/test_live_request_queue_close.py'
    ),
    'unittests/agents/test_invocation_context_live_close.py': (
        'unittests/agents/test_invocation_context_live_close.py'
    ),
    'unittests/flows/llm_flows/test_base_llm_flow_live_close.py': (
        'unittests/flows/llm_flows/test_base_llm_flow_live_close.py'
    ),
    'upstream_behaviour.py': (f'unittests/{_RELEASE_TABLE_THERE}.py'),
}


class ApplyError(Exception):
  """The tree cannot take the fix; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class Change:
  path: str
  added: int
  removed: int

  def line(self, width: int) -> str:
    return f' {self.path:<{width}} | +{self.added} -{self.removed}'


def tree_release(tree: pathlib.Path) -> str:
  """The release in the tree's `src/google/adk/version.py`."""
  version_file = tree / 'src/google/adk/version.py'
  if not version_file.is_file():
    raise ApplyError(
        f'{tree} is not an adk-python source tree: it has no'
        ' src/google/adk/version.py. Point apply at a checkout of adk-python'
        ' or at an unpacked google-adk sdist.'
    )
  for node in ast.parse(version_file.read_text()).body:
    match node:
      case ast.Assign(
          targets=[ast.Name(id='__version__')],
          value=ast.Constant(value=str() as version),
      ):
        return version
  raise ApplyError(f'{version_file} sets no __version__; pass --upstream')


def _refuse_dirty(tree: pathlib.Path) -> None:
  if not (tree / '.git').exists():
    return
  status = subprocess.run(
      ['git', 'status', '--porcelain'],
      cwd=tree,
      capture_output=True,
      text=True,
      check=True,
  ).stdout
  if status:
    raise ApplyError(
        f'{tree} has uncommitted changes:\n{status}Commit or stash them, or'
        ' pass --allow-dirty to apply the fix on top of them.'
    )


def adapt_test(text: str, depth: int = 1) -> str:
  """A test of ours, as it runs in an upstream tree: without the marks that
  only this repository's stock runs read, its release table imported from
  `tests/unittests/`, `depth` folders up from the test."""
  tree = ast.parse(text)
  marks = {
      alias.asname or alias.name
      for node in tree.body
      if isinstance(node, ast.ImportFrom) and node.module == _MARKS
      for alias in node.names
  }

  def is_mark(node: ast.expr) -> bool:
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return bool(names & marks) or ast.unparse(node) == _NEEDS_FIX

  dropped, imports = set(), set()

  def drop(node: ast.AST) -> None:
    dropped.update(range(node.lineno, node.end_lineno + 1))

  for node in ast.walk(tree):
    for decorator in getattr(node, 'decorator_list', []):
      if is_mark(decorator):
        drop(decorator)
    if isinstance(node, ast.ImportFrom) and node.module == _MARKS:
      drop(node)
    if isinstance(node, ast.ImportFrom) and node.module == _RELEASE_TABLE:
      imports.add(node.lineno)
  for node in tree.body:
    if (
        isinstance(node, ast.Assign)
        and [ast.unparse(t) for t in node.targets] == ['pytestmark']
        and is_mark(node.value)
    ):
      drop(node)
  adapted = []
  for number, line in enumerate(text.splitlines(keepends=True), start=1):
    if number in imports:
      line = line.replace(_RELEASE_TABLE, '.' * depth + _RELEASE_TABLE_THERE, 1)
    if number not in dropped:
      adapted.append(line)
  return ''.join(adapted)


def _change(path: str, old: str, new: str) -> Change:
  removed, added = source.changed_lines(old, new)
  return Change(path, len(added), len(removed))


def _pr_edits(tree: pathlib.Path, release: str, pr: str):
  """The edits of pull request `pr`; refuses a tree it does not fit."""
  request = edits.PULL_REQUESTS[pr]
  family = families.family(release)
  if family is families.FAMILIES[0]:
    raise ApplyError(
        f"the pull requests are for upstream's main (2.9.0 on), not"
        f' google-adk {release}: apply the whole fix without --pr.'
    )
  has_fix = context_shares_close_state.STATE_CLASS in (
      (tree / 'src' / family.context).read_text()
  )
  if request.after and not has_fix:
    raise ApplyError(
        f'--pr {pr} goes on top of --pr {request.after}: apply that first.'
    )
  return request.edits


def _pr_test_path(relative: pathlib.Path, release: str) -> pathlib.Path:
  """Where a pull request's test goes in the tree: as kept here (upstream's
  layout from 2.11), but tests of the live flow beside the flow module's in
  2.9 and 2.10."""
  flow = pathlib.PurePath(families.family(release).flow)
  if relative.name.startswith(_FLOW_TESTS):
    folder = flow.parent.relative_to('google/adk')
    return pathlib.Path('unittests', folder, relative.name)
  return relative


def apply(
    tree: pathlib.Path,
    release: str | None = None,
    allow_dirty: bool = False,
    pr: str | None = None,
) -> list[Change]:
  """Edits the tree's files and adds the tests; returns what changed.

  Without `pr`, the whole fix and this repository's unit tests; with it, the
  edits of that pull request (`edits.PULL_REQUESTS`) and its tests from
  `contributing/upstream_tests/`.
  """
  release = release or tree_release(tree)
  releases.wheel_sha256(release)  # Refuses unsupported releases.
  if not allow_dirty:
    _refuse_dirty(tree)
  package = tree / 'src'
  if pr:
    chosen = _pr_edits(tree, release, pr)
  else:
    context = (package / families.family(release).context).read_text()
    if context_shares_close_state.STATE_CLASS in context:
      raise ApplyError(
          f'this google-adk {release} tree already has the fix: there is'
          ' nothing to apply.'
      )
    chosen = edits.EDITS
  pristine = {}

  def read(path: str) -> str:
    pristine[path] = (package / path).read_text()
    return pristine[path]

  try:
    edited = edits.apply(read, release, chosen)
  except source.EditError as e:
    if pr:
      raise ApplyError(f'--pr {pr}: {e}') from None
    raise
  changes = []
  for path, text in edited.items():
    (package / path).write_text(text)
    changes.append(_change(f'src/{path}', pristine[path], text))
  if pr:
    return changes + _copy_pr_tests(tree, release, pr)
  return changes + _copy_tests(tree)


def _license_header(tree: pathlib.Path) -> str:
  """The license header upstream's own files carry, as the tree's
  `version.py` starts with it: its first run of comment lines."""
  version_file = tree / 'src/google/adk/version.py'
  lines = version_file.read_text().splitlines(keepends=True)
  header = list(itertools.takewhile(lambda line: line.startswith('#'), lines))
  if not header:
    raise ApplyError(
        f'{version_file} starts with no license header to give the tests;'
        ' point apply at an unchanged adk-python tree.'
    )
  return ''.join(header) + '\n'


def _copy_pr_tests(tree: pathlib.Path, release: str, pr: str) -> list[Change]:
  """Copies pull request `pr`'s tests and their helpers into the tree, each
  under upstream's license header."""
  changes = []
  header = _license_header(tree)
  folder = _PR_TESTS / pr
  for ours in sorted(folder.rglob('*.py')):
    theirs = _pr_test_path(ours.relative_to(folder), release)
    target = tree / 'tests' / theirs
    if target.exists():
      raise ApplyError(f"{target} exists already: it is not this tree's own.")
    target.parent.mkdir(parents=True, exist_ok=True)
    new = header + ours.read_text()
    target.write_text(new)
    changes.append(_change(f'tests/{theirs}', '', new))
  return changes


def _copy_tests(tree: pathlib.Path) -> list[Change]:
  """Copies this repository's unit tests into the tree, adapted to it and
  under upstream's license header."""
  changes = []
  header = _license_header(tree)
  for ours, theirs in _TEST_FILES.items():
    target = tree / 'tests' / theirs
    # The copied tests import their release table relatively: every folder
    # below tests/ on the way is a package, as in upstream's checkout.
    for folder in reversed(pathlib.Path(theirs).parents[:-1]):
      init = tree / 'tests' / folder / '__init__.py'
      if not init.exists():
        init.parent.mkdir(parents=True, exist_ok=True)
        init.touch()
        changes.append(Change(f'tests/{folder}/__init__.py', 0, 0))
    old = target.read_text() if target.exists() else ''
    depth = len(pathlib.Path(theirs).parents) - 1
    new = header + adapt_test((_TESTS / ours).read_text(), depth)
    target.write_text(new)
    changes.append(_change(f'tests/{theirs}', old, new))
  return changes
