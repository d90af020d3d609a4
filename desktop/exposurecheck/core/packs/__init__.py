"""Offline data packs: signed, memory-mapped files of keyed tags that answer a check with no network at all.

`format` holds the layout, `opening` authenticates a pack, `reader` answers lookups, `source` wraps it as a
`Source`, and `discovery` finds packs next to the app and on USB sticks. See docs/pack-format.md.
"""
