"""The `exposure-check` command line: the interface help-desk scripts and the tests rely on."""
