"""Keeping a check for later: the encrypted vault (store), its file format and codec, and the key in the OS keyring."""
