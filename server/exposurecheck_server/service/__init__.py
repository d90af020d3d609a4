"""The lookup service's operator side: OPRF keys, the site builder, and the reference evaluation server."""
