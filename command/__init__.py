"""Baton's domain and application core: pure Python, no Qt and no zmq."""
