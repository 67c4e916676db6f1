"""Package discovery that pyproject.toml cannot express on its own.

db/migrations sits at the top of the repository (it is not under app/) but ships inside the
package as app.migrations, mapped by ``package-dir`` in pyproject.toml.  ``packages.find`` only
looks below app/ and so never sees it; this file adds the two mapped packages to what it finds.
Everything else (metadata, dependencies, package-dir, package-data) stays in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=find_namespace_packages(include=["app", "app.*"], exclude=["*.__pycache__"])
    + ["app.migrations", "app.migrations.versions", "app.resources"],
)
