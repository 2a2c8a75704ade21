"""`python -m grader SUBMISSION...`: grade checkouts of the pack (see `grader.cli`)."""

from .cli import main

raise SystemExit(main())
