"""The docstring examples of the public API run as printed."""

import doctest

import pytest

import mixverify
from mixverify import laws, losses


@pytest.mark.parametrize("module", [mixverify, laws, losses], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0, result
