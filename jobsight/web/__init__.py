"""The gateway's HTTP layer: JSON routes, request ids, input validation and error mapping."""
