"""The lookup protocol, sans I/O: manifest, eval messages and buckets as pure functions over bytes.

The client source (`exposurecheck.core.sources.lookup_service`), the builder and the reference server
(`exposurecheck_server.service`) all use these, so the wire format is written once. See docs/protocol.md.
"""
