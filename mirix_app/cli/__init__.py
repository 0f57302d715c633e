"""The command line: the parser and error handling (``main``), one module per command group, the owner's client."""
