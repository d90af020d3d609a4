"""The Qt-free core: identifiers, sources, the check front door, packs, advice and the vault."""
