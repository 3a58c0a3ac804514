"""The fork of one upstream release: fetched, edited, written as a wheel."""

from __future__ import annotations

import dataclasses
import difflib
import pathlib
import zipfile

from . import edits
from . import fetch
from . import releases
from . import source
from . import wheel

# What preparing or writing a fork raises for a reason the user can act on.
ERRORS = (
    fetch.FetchError,
    releases.UnsupportedRelease,
    source.EditError,
    wheel.WheelError,
)


@dataclasses.dataclass(frozen=True)
class Fork:
  release: str
  upstream_wheel: pathlib.Path
  pristine: dict[str, str]
  edited: dict[str, str]

  @property
  def version(self) -> str:
    return releases.fork_version(self.release)

  def write_wheel(self, out_dir: pathlib.Path) -> pathlib.Path:
    return wheel.write(self.upstream_wheel, self.edited, self.version, out_dir)

  def diff(self) -> str:
    """The unified diff from pristine upstream to the fork."""
    return ''.join(
        line
        for path, text in self.edited.items()
        for line in difflib.unified_diff(
            self.pristine[path].splitlines(keepends=True),
            text.splitlines(keepends=True),
            f'a/src/{path}',
            f'b/src/{path}',
        )
    )


def from_wheel(release: str, upstream_wheel: pathlib.Path) -> Fork:
  """The fork of a verified upstream wheel."""
  pristine = {}
  with zipfile.ZipFile(upstream_wheel) as archive:

    def read(path: str) -> str:
      pristine[path] = archive.read(path).decode()
      return pristine[path]

    edited = edits.apply(read, release)
  return Fork(release, upstream_wheel, pristine, edited)


def prepare(release: str, download_dir: pathlib.Path) -> Fork:
  """Downloads `release`'s official wheel and applies the fix to it."""
  return from_wheel(release, fetch.fetch(release, download_dir))
