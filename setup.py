"""Package discovery that pyproject.toml cannot express on its own.

db/migrations and resources/ sit at the top of the repository (not under app/) but ship inside
the package as app.migrations and app.resources, mapped by ``package-dir`` in pyproject.toml.
``packages.find`` only looks below app/ and so never sees them; this file adds the mapped
packages to what it finds: each folder of resources/ too (fonts, rules, templates), which
setuptools otherwise warns are "absent from the packages configuration".
Everything else (metadata, dependencies, package-dir, package-data) stays in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

RESOURCES = ["app.resources"] + [f"app.resources.{name}" for name in
                                 find_namespace_packages(where="resources", exclude=["*__pycache__*"])]

setup(
    packages=find_namespace_packages(include=["app", "app.*"], exclude=["*.__pycache__"])
    + ["app.migrations", "app.migrations.versions"] + RESOURCES,
)
