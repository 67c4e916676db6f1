"""Qt item models over plain data (dataclasses), one module per kind of table."""
