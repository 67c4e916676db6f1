"""Entry point of the PyInstaller bundle (build/pyinstaller.spec): the same program as the
`qingshou` console script and `python -m app`, so one executable serves both the command line
and the window (`qingshou` with no command, or `qingshou gui`)."""

import multiprocessing

from app.cli import main

if __name__ == "__main__":
    # A frozen program that ever starts a worker process must call this first (Windows).
    multiprocessing.freeze_support()
    raise SystemExit(main())
