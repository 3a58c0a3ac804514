"""What stock google-adk does, on the installed release, where releases differ.

Measured on the official wheels of every supported release:

| releases | reconnects with a handle after | on goAway |
| --- | --- | --- |
| 1.20.0 - 1.28.x | ConnectionClosedOK (with or without a handle) | nothing |
| 1.29.0 - 1.36.0, 2.0.0 - 2.3.0 | ConnectionClosed, APIError 1000/1006 | raises ConnectionClosed |
| 1.36.1 - 1.38.0 | ConnectionClosed, APIError 1000/1006 | reconnect sentinel |
| 1.39.x, 2.4.0 - 2.8.x | ConnectionClosed, APIError 1000/1006/1011 | reconnect sentinel |

Which error a closure becomes depends on google-genai: before 1.62,
websockets' `ConnectionClosedOK` (1000, 1001, 1005) or `ConnectionClosedError`
reaches ADK; from 1.62, `APIError` with the close code.

From 2.7.0, without a handle, a normal closure (`ConnectionClosedOK`,
`APIError` 1000) ends the run quietly: scenario B is already fixed there.

Before 1.34.3, and in 2.0.0 - 2.1.0, a reconnect asks for transparent
resumption, which google-genai refuses on the Gemini API: there, a resumed
connection fails in the client before it is opened. On Vertex AI every
release asks for it (from 1.34.3 only there) and the connection opens.
"""

from importlib.metadata import version

from google.genai import errors
from packaging.version import Version
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.exceptions import ConnectionClosedError
from websockets.exceptions import ConnectionClosedOK
from websockets.frames import Close

RELEASE = Version(Version(version('google-adk')).public)
GENAI_RAISES_API_ERROR = Version(version('google-genai')) >= Version('1.62')


def _in(low: str, high: str) -> bool:
  return Version(low) <= RELEASE < Version(high)


# 1.34.2's run_live() names `Gemini` without importing it: every live session
# ends in a NameError before it connects. 1.34.3 imports it again.
needs_working_run_live = pytest.mark.skipif(
    RELEASE == Version('1.34.2'),
    reason='run_live() raises NameError in this release, stock or fork',
)

# Before 1.29 the receive loop swallows ConnectionClosedOK and the connection
# loop starts over; the error handlers never reconnect.
RECONNECTS_ON_ERRORS = RELEASE >= Version('1.29.0')
GO_AWAY_RECONNECTS = RECONNECTS_ON_ERRORS
RESUMES_ON_GEMINI_API = _in('1.34.3', '2.0.0') or RELEASE >= Version('2.2.0')
_API_ERROR_CODES = (
    {1000, 1006, 1011}
    if _in('1.39.0', '2.0.0') or RELEASE >= Version('2.4.0')
    else {1000, 1006}
)


# From 2.9 upstream's queue keeps a sticky `closed`, and its send() reads
# `.close` of every request.
SEND_READS_CLOSE = RELEASE >= Version('2.9.0')


# From 2.9 upstream ends a single agent's run at the client's close; the
# agent tree (transfers, sequences) and the other normal closures it leaves.
FIXED_FOR_ONE_AGENT = RELEASE >= Version('2.9.0')


def closure_error(code: int) -> Exception:
  """What reaches ADK, with the installed google-genai, when the server ends
  the connection with close code `code` (1006: no close frame at all)."""
  if GENAI_RAISES_API_ERROR:
    return errors.APIError(code, {})
  close = None if code == 1006 else Close(code, '')
  if code in (1000, 1001, 1005):
    return ConnectionClosedOK(close, None)
  return ConnectionClosedError(close, None)


def resumes_after(error: Exception) -> bool:
  """Whether stock reconnects after `error` while it holds a handle."""
  if not RECONNECTS_ON_ERRORS:
    return isinstance(error, ConnectionClosedOK)
  if isinstance(error, ConnectionClosed):
    return True
  return getattr(error, 'code', None) in _API_ERROR_CODES


def ends_quietly_without_handle(error: Exception) -> bool:
  """Whether stock ends the run without raising `error` when it holds no
  handle."""
  if RELEASE < Version('2.7.0'):
    return False
  if isinstance(error, errors.APIError):
    return error.code == 1000
  return isinstance(error, ConnectionClosedOK)
