"""清收工作台 (qingshou): offline work on non-performing rural loans."""

__version__ = "0.1.0"
