"""rapidocr: its PP-OCR ONNX models and yaml configs are package data; only the onnxruntime engine is used."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

_OTHER_ENGINES = (
    "rapidocr.inference_engine.pytorch",
    "rapidocr.inference_engine.paddle",
    "rapidocr.inference_engine.openvino",
    "rapidocr.inference_engine.mnn",
)

datas = collect_data_files("rapidocr", excludes=["inference_engine/pytorch/**", "**/.gitkeep"])
hiddenimports = collect_submodules("rapidocr", filter=lambda name: not name.startswith(_OTHER_ENGINES))
excludedimports = list(_OTHER_ENGINES)
