"""Cross-database writes: two-phase commit (``twophase``: the pure protocol; ``log``: the
coordinator's durable log; ``participant``: a service's side of it; ``runner``: the protocol
carried out) and long-running sagas (``sagas``)."""
