"""The command line: argument parsing and output formatting only; the work happens in the library."""
