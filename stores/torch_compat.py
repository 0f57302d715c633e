"""Make the registry's CUDA build of torchvision importable on CPU-only torch (see STACK.md)."""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

_PREFIX = "torchvision::"


def _is_missing_op_error(error: BaseException) -> bool:
    """True when ``error`` says a torchvision C++ operator is not compiled in."""
    return isinstance(error, RuntimeError) and _PREFIX in str(error) and "does not exist" in str(error)


def _tolerant(register_fake: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``torch.library.register_fake`` so a missing ``torchvision::`` op is skipped."""

    @functools.wraps(register_fake)
    def wrapper(op: Any, func: Any = None, /, *args: Any, **kwargs: Any) -> Any:
        if not (isinstance(op, str) and op.startswith(_PREFIX)):
            return register_fake(op, func, *args, **kwargs)
        try:
            result = register_fake(op, func, *args, **kwargs)
        except RuntimeError as error:
            if not _is_missing_op_error(error):
                raise
            return func if func is not None else (lambda fn: fn)
        if func is None and callable(result):
            return _tolerant_decorator(result)
        return result

    return wrapper


def _tolerant_decorator(decorator: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap the decorator that ``register_fake(op)`` returns, with the same tolerance."""

    def apply(fn: Any) -> Any:
        try:
            return decorator(fn)
        except RuntimeError as error:
            if not _is_missing_op_error(error):
                raise
            return fn

    return apply


@contextlib.contextmanager
def tolerate_missing_torchvision_ops() -> Iterator[None]:
    """While active, registering a fake for a missing ``torchvision::`` op is skipped (wrap torchvision's import)."""
    import torch

    original = torch.library.register_fake
    torch.library.register_fake = _tolerant(original)
    try:
        yield
    finally:
        torch.library.register_fake = original


def import_torchvision() -> Any:
    """Import torchvision once with the missing-operator fix applied; return the module."""
    if "torchvision" in sys.modules:
        return sys.modules["torchvision"]
    with tolerate_missing_torchvision_ops():
        return importlib.import_module("torchvision")
