"""Use cases.  Each takes a ``Database`` (or a unit of work) and returns plain data
(dataclasses, dicts), never live ORM objects, so the window and the command line share them."""
