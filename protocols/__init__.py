"""Everything on the wire: messages, codec, ZeroMQ links, CurveZMQ security, the feed bus. No Qt."""
