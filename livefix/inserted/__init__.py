"""The code the fix inserts into upstream's modules, one module per target
(and one for what a pull request of its own replaces).

Each module here is ordinary Python, formatted and linted like the rest of
the tree. Its top-level definitions go into the target module as they are
written. A function whose name starts with `at_` is a snippet: its body, not
the function, is spliced where its docstring says, and its parameters are
the names the body needs from the place it goes to.
"""
