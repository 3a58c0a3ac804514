"""Tests for the table of families: where each release keeps its live code."""

import ast
import pathlib
import re
import zipfile

import pytest

from livefix import families
from livefix import releases
from livefix.edits import _flow
from livefix.source import EditError
from livefix.source import find_class

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _by_family() -> dict[families.Family, list[str]]:
  """Every supported release, by its family, oldest first."""
  grouped = {}
  for release in releases.WHEEL_SHA256:
    grouped.setdefault(families.family(release), []).append(release)
  return grouped


# The first and last release of each family: where a layout begins and ends.
_ENDS = [
    release
    for family_releases in _by_family().values()
    for release in dict.fromkeys([family_releases[0], family_releases[-1]])
]


def _misfit(wheel: pathlib.Path, family: families.Family) -> str | None:
  """What of `family`'s layout the wheel lacks, or None if it fits."""
  with zipfile.ZipFile(wheel) as archive:
    names = set(archive.namelist())
    for path in (family.flow, family.queue, family.context):
      if path not in names:
        return f'no {path}'

    def read(path: str) -> ast.Module:
      return ast.parse(archive.read(path).decode())

    try:
      find_class(read(family.queue), 'LiveRequestQueue')
      find_class(read(family.context), 'InvocationContext')
      flow = read(family.flow)
      _flow.find_reconnect_loop(flow, family)
      _flow.find_receive_loop(flow, family)
      _flow.takes_context(flow, family.send)
    except EditError as e:
      return str(e)
  return None


def test_families_begin_where_the_table_of_releases_says():
  firsts = [family_releases[0] for family_releases in _by_family().values()]

  assert firsts == [family.first for family in families.FAMILIES]
  assert families.FAMILIES[0].first == releases.OLDEST
  assert [family.first for family in families.FAMILIES] == [
      '1.10.0',
      '2.9.0',
      '2.11.0',
  ]


@pytest.mark.parametrize('release', _ENDS)
def test_each_family_fits_its_first_and_last_release(release, upstream_wheel):
  assert _misfit(upstream_wheel(release), families.family(release)) is None


@pytest.mark.parametrize(
    'older, newer',
    [
        (families.FAMILIES[i - 1], families.FAMILIES[i])
        for i in range(1, len(families.FAMILIES))
    ],
    ids=lambda family: family.first,
)
def test_neighbouring_families_do_not_fit_across_their_boundary(
    older, newer, upstream_wheel
):
  last_of_older = _by_family()[older][-1]

  assert _misfit(upstream_wheel(newer.first), older) is not None
  assert _misfit(upstream_wheel(last_of_older), newer) is not None


@pytest.mark.parametrize(
    'release, message',
    [
        (
            '1.9.0',
            'google-adk 1.9.0 is too old for this fork: the oldest supported'
            ' release is 1.10.0, the first with the live reconnect loop.',
        ),
        (
            '9.9.9',
            'google-adk 9.9.9 is newer than this fork knows: the newest'
            ' supported release is 2.13.0. Use it, or a newer fork.',
        ),
        (
            '1.19.5',
            'google-adk 1.19.5 is not a release: the supported releases run'
            ' from 1.10.0 to 2.13.0; pick one of those.',
        ),
        (
            'latest',
            "'latest' is not a google-adk release: name one such as 2.13.0"
            ' (1.10.0 to 2.13.0 are supported).',
        ),
    ],
)
def test_refuses_a_release_it_does_not_support(release, message):
  with pytest.raises(releases.UnsupportedRelease) as refused:
    families.family(release)

  assert str(refused.value) == message
  assert '\n' not in str(refused.value)


def _cells(row: str) -> list[str]:
  return [cell.strip() for cell in row.strip().strip('|').split('|')]


def _readme_families() -> list[tuple[str, str]]:
  """(first release, flow module) of each row of the family table in
  docs/releases.md."""
  lines = (ROOT / 'docs/releases.md').read_text().splitlines()
  for at, line in enumerate(lines):
    if line.startswith('|') and 'flow module' in line:
      column = next(
          i for i, cell in enumerate(_cells(line)) if 'flow module' in cell
      )
      rows = []
      for row in lines[at + 2 :]:
        if not row.startswith('|'):
          break
        cells = _cells(row)
        first = re.search(r'[0-9]+(\.[0-9]+)+', cells[0])
        flow = re.search(r'`([^`]+)`', cells[column])
        rows.append((first and first.group(), flow and flow.group(1)))
      return rows
  pytest.fail(
      'docs/releases.md has no table whose header names the flow module'
  )


def test_docs_list_each_family_with_its_flow_module():
  assert _readme_families() == [
      (family.first, family.flow) for family in families.FAMILIES
  ]
