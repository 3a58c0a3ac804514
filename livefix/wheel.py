"""Writes the fork's wheel: upstream's wheel with some files replaced.

Every other entry is copied byte for byte. The dist-info directory is renamed
for the fork's version, METADATA changes only in its `Version` field, and
RECORD is written anew.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import pathlib
import zipfile

# Deflate at its fastest level: this runs in every install from a git URL,
# where the time it takes counts for more than the size of a wheel soon
# unpacked.
_COMPRESSION = (zipfile.ZIP_DEFLATED, 1)


class WheelError(Exception):
  """The upstream wheel is not laid out as a wheel should be."""


def _record_hash(data: bytes) -> str:
  digest = hashlib.sha256(data).digest()
  return 'sha256=' + base64.urlsafe_b64encode(digest).rstrip(b'=').decode()


def _dist_info(wheel: zipfile.ZipFile) -> str:
  """The name of the wheel's one `.dist-info` directory."""
  names = {
      name.split('/')[0]
      for name in wheel.namelist()
      if name.split('/')[0].endswith('.dist-info')
  }
  if len(names) != 1:
    raise WheelError(f'expected one .dist-info directory, found {names}')
  return names.pop()


def with_version(metadata: bytes, version: str) -> bytes:
  """Core metadata with its `Version` field set to `version`."""
  headers, blank, body = metadata.partition(b'\n\n')
  lines = headers.split(b'\n')
  at = [i for i, line in enumerate(lines) if line.startswith(b'Version: ')]
  if len(at) != 1:
    raise WheelError('METADATA does not have exactly one Version field')
  lines[at[0]] = b'Version: ' + version.encode()
  return b'\n'.join(lines) + blank + body


def _copy_with_changes(
    upstream: pathlib.Path,
    target: pathlib.Path,
    replaced: dict[str, str],
    version: str,
    new_dist_info: str,
) -> None:
  record = io.StringIO()
  records = csv.writer(record, lineterminator='\n')
  with zipfile.ZipFile(upstream) as source, zipfile.ZipFile(
      target, 'w'
  ) as fork:
    old_dist_info = _dist_info(source)
    missing = set(replaced) - set(source.namelist())
    if missing:
      raise WheelError(f'{upstream.name} has no {", ".join(sorted(missing))}')
    for info in source.infolist():
      if info.filename == f'{old_dist_info}/RECORD':
        continue
      data = source.read(info)
      arcname = info.filename
      if arcname in replaced:
        data = replaced[arcname].encode()
      if arcname.startswith(old_dist_info + '/'):
        arcname = new_dist_info + arcname[len(old_dist_info) :]
        if arcname == f'{new_dist_info}/METADATA':
          data = with_version(data, version)
      entry = zipfile.ZipInfo(arcname, date_time=info.date_time)
      entry.external_attr = info.external_attr
      fork.writestr(entry, data, *_COMPRESSION)
      records.writerow([arcname, _record_hash(data), len(data)])
    records.writerow([f'{new_dist_info}/RECORD', '', ''])
    entry = zipfile.ZipInfo(f'{new_dist_info}/RECORD', (1980, 1, 1, 0, 0, 0))
    fork.writestr(entry, record.getvalue(), *_COMPRESSION)


def write(
    upstream: pathlib.Path,
    replaced: dict[str, str],
    version: str,
    out_dir: pathlib.Path,
) -> pathlib.Path:
  """Writes the fork's wheel into `out_dir` and returns its path."""
  # `{distribution}-{version}-{tags}.whl`; the first two have no '-' in them.
  distribution, _, tags = upstream.name.removesuffix('.whl').split('-', 2)
  target = out_dir / f'{distribution}-{version}-{tags}.whl'
  # Written under a temporary name, so a failed build leaves no wheel behind.
  partial = target.with_name(target.name + '.part')
  new_dist_info = f'{distribution}-{version}.dist-info'
  try:
    _copy_with_changes(upstream, partial, replaced, version, new_dist_info)
  except BaseException:
    partial.unlink(missing_ok=True)
    raise
  return partial.replace(target)
