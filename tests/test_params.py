import pytest

from herd.params import ParameterError, check


def test_accepts_good_values():
    assert check("focus", "a", str, choices=["a", "b"]) == "a"
    assert check("alpha", 1, float, minimum=0) == 1.0
    assert check("models", ["a"], list, items=["a", "b"], min_items=1) == ["a"]


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("focus", 3, str), {}, "parameter 'focus' = 3: expected str, got int"),
        (("focus", "z", str), {"choices": ["a", "b"]}, "parameter 'focus' = 'z' is not allowed; allowed: 'a', 'b'"),
        (("alpha", 0.5, float), {"maximum": 0.2}, "parameter 'alpha' = 0.5 is above the maximum 0.2"),
        (("alpha", True, float), {}, "got a boolean"),
        (("models", ["a", "q"], list), {"items": ["a", "b"]}, "parameter 'models' has 'q' which is not allowed; allowed: 'a', 'b'"),
        (("models", [], list), {"min_items": 1}, "needs at least 1"),
        (("models", ["a", "a"], list), {"items": ["a"]}, "twice"),
    ],
)
def test_rejects_with_the_parameter_named(args, kwargs, message):
    with pytest.raises(ParameterError) as info:
        check(*args, **kwargs)
    assert message in str(info.value)
