"""The README's "Using the library" examples run as written."""

from __future__ import annotations

import doctest
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_using_the_library_examples_run():
    """The first Python block of "Using the library" is a doctest that passes."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using the library") :]
    start = section.index("```python\n") + len("```python\n")
    block = section[start : section.index("```", start)]
    test = doctest.DocTestParser().get_doctest(block, {}, "README: Using the library", str(README), 0)
    assert len(test.examples) > 20
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
