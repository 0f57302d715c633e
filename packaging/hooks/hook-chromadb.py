"""chromadb loads its components by dotted name from settings (importlib), so collect the client side."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

_SKIP = (
    "chromadb.test",
    "chromadb.server",
    "chromadb.cli",
    "chromadb.proto",
    "chromadb.db.impl.grpc",
    "chromadb.segment.impl.distributed",
    "chromadb.execution.executor.distributed",
    "chromadb.utils.embedding_functions",
)

hiddenimports = collect_submodules("chromadb", filter=lambda name: not name.startswith(_SKIP))
hiddenimports += ["chromadb.utils.embedding_functions", "chromadb_rust_bindings"]
datas = collect_data_files("chromadb", excludes=["test/**", "**/*.pyi"]) + copy_metadata("chromadb")
