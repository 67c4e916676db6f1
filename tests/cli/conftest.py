import pytest

from tests.cli.helpers import run_cli


@pytest.fixture
def cli(capsys):
    def _run(*argv):
        return run_cli(capsys, *argv)
    return _run
