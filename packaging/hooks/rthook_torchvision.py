"""PyInstaller runtime hook: apply the torchvision missing-operator fix whenever torchvision is first imported.

The registry's torchvision 0.28 is a CUDA build; on CPU-only torch its import fails unless
``torch.library.register_fake`` tolerates missing ``torchvision::`` ops while it runs (see
``stores/torch_compat.py`` and STACK.md). The app calls ``import_torchvision()`` before it loads
open_clip or sentence_transformers, but in the frozen app this hook makes *any* first import of
torchvision (transformers' image utilities, a plugin, ...) go through the fix. It costs nothing at
start-up: torch is only imported when torchvision itself is.
"""

import sys


class _TorchvisionFixFinder:
    """A one-shot meta-path finder that wraps the real loader of ``torchvision`` with the fix."""

    def find_spec(self, name, path=None, target=None):
        if name != "torchvision":
            return None
        sys.meta_path.remove(self)  # one shot; also keeps the lookup below from recursing
        spec = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find else None
            if spec is not None:
                break
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _FixingLoader(spec.loader)
        return spec


class _FixingLoader:
    """Delegates to the real loader; runs ``exec_module`` with the fix active, then steps aside."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, attr):
        return getattr(self._loader, attr)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        from stores.torch_compat import tolerate_missing_torchvision_ops

        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        with tolerate_missing_torchvision_ops():
            self._loader.exec_module(module)


if "torchvision" not in sys.modules:
    sys.meta_path.insert(0, _TorchvisionFixFinder())
