"""The operations centre window (`baton centre`): incidents board, per-incident detail, authority
actions and SITREP requests."""
