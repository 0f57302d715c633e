"""open_clip: model configs (json) and the BPE vocabulary are package data."""

from PyInstaller.utils.hooks import collect_data_files, copy_metadata

datas = collect_data_files("open_clip") + copy_metadata("open-clip-torch")
module_collection_mode = "pyz+py"  # torch.jit reads the source of scripted modules
