"""What the fix puts in place of `_NORMAL_CLOSURE_CODES` in the live flow.

Inserted on its own, so that the pull request for upstream's main that
widens the normal closures is one change (`livefix.edits.PULL_REQUESTS`).
"""

# The close codes websockets counts as a normal closure: 1000 (normal), 1001
# (going away) and 1005 (a close frame without a status code).
_NORMAL_CLOSURE_CODES = (1000, 1001, 1005)
