"""Interoperation with other systems' formats (TAK's Cursor on Target): pure data, no sockets."""
