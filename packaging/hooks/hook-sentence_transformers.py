"""sentence-transformers and its model stack check their versions through package metadata."""

import contextlib

from PyInstaller.utils.hooks import copy_metadata

_DISTS = "sentence-transformers transformers tokenizers huggingface-hub safetensors torch tqdm numpy regex requests"
datas = []
for dist in (*_DISTS.split(), "packaging", "filelock", "pyyaml"):
    with contextlib.suppress(Exception):  # not installed: nothing to copy
        datas += copy_metadata(dist)
module_collection_mode = "pyz+py"
