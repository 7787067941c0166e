"""The exit codes of every kgraph command, in one place.

Imports nothing, so the entry point, the fast path and the Typer application can all use it
without importing each other (they used to, in a cycle).
"""

#: The command did what was asked.
EXIT_OK = 0
#: The data, the query or the request is wrong (a message on stderr says where and why).
EXIT_ERROR = 1
#: The command line itself is wrong (unknown option, missing argument): Click's own code.
EXIT_USAGE = 2
#: Ctrl-C: 128 + SIGINT, as shells report it.
EXIT_INTERRUPTED = 130
#: The reader of our output went away (``kgraph query ... | head``): 128 + SIGPIPE, like other tools.
EXIT_BROKEN_PIPE = 141
