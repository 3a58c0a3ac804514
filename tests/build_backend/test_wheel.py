"""Tests for the fork's wheel: upstream's wheel, the edited files and a version
apart."""

import base64
import csv
import hashlib
import io
import zipfile

import pytest

from livefix import fork
from livefix import releases
from livefix import wheel

_EDITED = {
    'google/adk/agents/live_request_queue.py',
    'google/adk/agents/invocation_context.py',
    'google/adk/flows/llm_flows/base_llm_flow.py',
}
_VERSION = releases.fork_version('1.39.1')


@pytest.fixture(scope='module')
def wheels(upstream_wheel, tmp_path_factory):
  upstream = upstream_wheel('1.39.1')
  built = fork.from_wheel('1.39.1', upstream).write_wheel(
      tmp_path_factory.mktemp('fork')
  )
  with zipfile.ZipFile(upstream) as before, zipfile.ZipFile(built) as after:
    yield built, before, after


def test_is_named_for_the_fork_version(wheels):
  built, _, _ = wheels

  assert _VERSION.startswith('1.39.1+livefix.')
  assert built.name == f'google_adk-{_VERSION}-py3-none-any.whl'


def test_changes_only_the_edited_files_and_version(wheels):
  _, before, after = wheels
  renamed = {
      name.replace(
          'google_adk-1.39.1.dist-info', f'google_adk-{_VERSION}.dist-info'
      ): name
      for name in before.namelist()
  }

  assert set(after.namelist()) == set(renamed)
  changed = {
      name
      for name, old in renamed.items()
      if after.read(name) != before.read(old)
  }
  assert changed == _EDITED | {
      f'google_adk-{_VERSION}.dist-info/METADATA',
      f'google_adk-{_VERSION}.dist-info/RECORD',
  }


def test_metadata_differs_only_in_version(wheels):
  _, before, after = wheels
  old = before.read('google_adk-1.39.1.dist-info/METADATA').decode()
  new = after.read(f'google_adk-{_VERSION}.dist-info/METADATA').decode()

  assert new == old.replace('\nVersion: 1.39.1\n', f'\nVersion: {_VERSION}\n')
  assert new != old


def test_record_lists_every_file_with_its_hash(wheels):
  _, _, after = wheels
  record = f'google_adk-{_VERSION}.dist-info/RECORD'
  rows = list(csv.reader(io.StringIO(after.read(record).decode())))

  assert sorted(row[0] for row in rows) == sorted(after.namelist())
  for name, digest, size in rows:
    if name == record:
      assert (digest, size) == ('', '')
      continue
    data = after.read(name)
    expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
    assert digest == 'sha256=' + expected.rstrip(b'=').decode()
    assert int(size) == len(data)


def test_refuses_metadata_without_a_version():
  with pytest.raises(wheel.WheelError, match='exactly one Version'):
    wheel.with_version(b'Metadata-Version: 2.1\nName: x\n\nbody', '1+x.1')


def test_leaves_no_wheel_behind_when_a_file_is_missing(
    upstream_wheel, tmp_path
):
  with pytest.raises(wheel.WheelError, match='has no google/adk/missing.py'):
    wheel.write(
        upstream_wheel('1.39.1'),
        {'google/adk/missing.py': ''},
        _VERSION,
        tmp_path,
    )

  assert list(tmp_path.iterdir()) == []
