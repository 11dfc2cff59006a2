"""The station operator's window: an inbox of orders with proof of authority, and the answers."""
