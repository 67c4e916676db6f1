"""Printed forms and exports: plain data in, file out."""
