"""`python -m grader PATH`: grade a checkout of the pack (see `grader.cli`)."""

from .cli import main

raise SystemExit(main())
