"""The composition root: the `secretary` command and the wiring of each process. The only package that knows every
layer: it builds the runtime, registers every app's jobs, listeners and presenters, and starts what a mode needs."""

import core  # noqa: F401  (first: aiogram's types then build on first use, core.lazy_models)
