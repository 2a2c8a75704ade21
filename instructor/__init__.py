"""instructor: the instructor's tools, which never ship to the students.

The students' release (`python -m instructor.release OUT_DIR`: solutions stubbed, notebook
outputs stripped, hidden checks left out, then verified), the marker parsing it rests on (pure
text, `instructor.markers`), the hidden grading checks and their reference
(`instructor/hidden_tests/`, loaded by path in the grader's own process, never in a sandbox) and
the benchmark (`python -m instructor.bench`). It may import `lab`
(the code it releases and times) and nothing of it may be imported by `lab` or `grader`; it is
not in the `backprop-lab` wheel and not in the students' release. Its modules, one question
each: `markers` (what do the marker comments say?), `notebooks` (a notebook as released, and
filled back), `files` (which files go out?), `release` (build it, fill it), `verify` (is it fit
to hand out?), `probe` (does the release's `lab` run into its stubs?), `bench` (how fast?),
`setup_cells` (where students open the pack: the notebooks' set-up cell, Colab links, badges),
`platforms` (on which platforms do the pins have wheels?) and `lower_bounds` (do the runtime
ranges' lower ends run the notebooks?).
"""
