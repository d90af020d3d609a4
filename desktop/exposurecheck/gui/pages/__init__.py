"""One module per screen. Each page builds its widgets once and re-labels them in `retranslate(lang)`, so the
language can change at any moment without losing what the person typed."""
