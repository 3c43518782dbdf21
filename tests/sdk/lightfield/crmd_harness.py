"""Runs the real `crmd` binary for the SDK conformance suite.

Every wait here is bounded in time, and every server started here is stopped again: by the
fixture that started it, or at interpreter exit as a last resort.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Optional, Sequence

import httpx
from lightfield import Lightfield

REPO_ROOT = Path(__file__).resolve().parents[3]

# Bounds for every wait, in seconds.
BUILD_TIMEOUT_SECS = 1500
CLI_TIMEOUT_SECS = 60
START_TIMEOUT_SECS = 60
STOP_TIMEOUT_SECS = 15
REQUEST_TIMEOUT_SECS = 30

_build_lock = threading.Lock()
_built_binary: Optional[Path] = None


def crmd_binary() -> Path:
    """The binary under test: `$CRMD_BIN`, or a fresh debug build of `crmd_cli`."""
    global _built_binary
    from_env = os.environ.get("CRMD_BIN")
    if from_env:
        binary = Path(from_env)
        if not binary.is_absolute():
            binary = (Path.cwd() / binary).resolve()
        if not binary.is_file():
            raise RuntimeError(f"CRMD_BIN points at {binary}, which is not a file")
        return binary
    with _build_lock:
        if _built_binary is None:
            subprocess.run(
                ["cargo", "build", "-p", "crmd_cli"],
                cwd=REPO_ROOT,
                check=True,
                timeout=BUILD_TIMEOUT_SECS,
                stdin=subprocess.DEVNULL,
            )
            _built_binary = REPO_ROOT / "target" / "debug" / "crmd"
        return _built_binary


def child_environment() -> "dict[str, str]":
    """The environment for `crmd` processes.

    `crmd` reads every `CRMD_*` variable as configuration and refuses unknown keys, so the
    suite's own `CRMD_BIN` must not reach it.
    """
    environment = dict(os.environ)
    environment.pop("CRMD_BIN", None)
    return environment


class CliError(RuntimeError):
    def __init__(self, args: Sequence[str], result: subprocess.CompletedProcess[str]):
        super().__init__(
            f"`crmd {' '.join(args)}` exited with {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        self.result = result


class Crmd:
    """The `crmd` command line, for the subcommands the suite needs."""

    def __init__(self, binary: Path):
        self.binary = binary

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.binary), *args],
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_SECS,
            stdin=subprocess.DEVNULL,
            env=child_environment(),
        )
        if check and result.returncode != 0:
            raise CliError(args, result)
        return result

    def schema_apply(self, data_dir: Path, schema_file: Path, workspace: Optional[str] = None) -> None:
        args = ["schema", "apply", "--data", str(data_dir)]
        if workspace:
            args += ["--workspace", workspace]
        self.run(*args, str(schema_file))

    def keys_create(
        self,
        data_dir: Path,
        *,
        workspace: Optional[str] = None,
        scopes: Optional[Sequence[str]] = None,
        label: Optional[str] = None,
    ) -> str:
        args = ["keys", "create", "--data", str(data_dir)]
        if workspace:
            args += ["--workspace", workspace]
        if scopes:
            args += ["--scopes", ",".join(scopes)]
        if label:
            args += ["--label", label]
        key = self.run(*args).stdout.strip()
        assert key and "\n" not in key, f"`crmd keys create` should print only the key, got {key!r}"
        return key

    def keys_revoke(self, data_dir: Path, key: str) -> None:
        self.run("keys", "revoke", "--data", str(data_dir), key)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_running: "set[CrmdServer]" = set()


def _stop_leftovers() -> None:
    for server in list(_running):
        server.stop()


atexit.register(_stop_leftovers)


class ServerFailed(RuntimeError):
    pass


class CrmdServer:
    """One `crmd serve` process on a loopback port, with its logs in `log_dir`."""

    def __init__(
        self,
        crmd: Crmd,
        data_dir: Path,
        log_dir: Path,
        name: str = "server",
        extra_args: Sequence[str] = (),
    ):
        self.crmd = crmd
        self.extra_args = list(extra_args)
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.name = name
        self.port: Optional[int] = None
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        assert self.port is not None, "server not started"
        return f"http://127.0.0.1:{self.port}"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "default.key"

    @property
    def default_key(self) -> str:
        return self.key_file.read_text().strip()

    def _log_paths(self) -> "tuple[Path, Path]":
        stem = f"{self.name}-{self.starts}"
        return self.log_dir / f"{stem}.stdout.log", self.log_dir / f"{stem}.stderr.log"

    def stdout_text(self) -> str:
        return self._log_paths()[0].read_text(errors="replace")

    def stderr_text(self) -> str:
        return self._log_paths()[1].read_text(errors="replace")

    def start(self) -> "CrmdServer":
        """Starts the server and waits until it answers HTTP; retries on a port race."""
        assert self.process is None, "server already running"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        last_error = ""
        for _attempt in range(3):
            self.starts += 1
            self.port = free_port()
            stdout_path, stderr_path = self._log_paths()
            with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
                self.process = subprocess.Popen(
                    [
                        str(self.crmd.binary),
                        "serve",
                        "--data",
                        str(self.data_dir),
                        "--listen",
                        f"127.0.0.1:{self.port}",
                        *self.extra_args,
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=stderr,
                    env=child_environment(),
                )
            _running.add(self)
            if self._wait_until_ready():
                return self
            last_error = self.stderr_text()
            self.stop()
            if "in use" not in last_error.lower():
                break
        raise ServerFailed(f"`crmd serve` on {self.data_dir} did not come up; stderr:\n{last_error[-4000:]}")

    def _wait_until_ready(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_SECS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if self.key_file.exists():
                try:
                    httpx.get(f"{self.base_url}/v1/auth/validate", timeout=2)
                    return True
                except httpx.TransportError:
                    pass
            time.sleep(0.05)
        return False

    def signal_stop(self, sig: int = signal.SIGTERM) -> int:
        """Sends `sig` and waits for the exit; kills the process if it hangs. Returns the exit code."""
        assert self.process is not None, "server not running"
        process = self.process
        try:
            if process.poll() is None:
                process.send_signal(sig)
                try:
                    process.wait(timeout=STOP_TIMEOUT_SECS)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=STOP_TIMEOUT_SECS)
                    raise ServerFailed(f"`crmd serve` ignored signal {sig} for {STOP_TIMEOUT_SECS}s and was killed")
            return process.returncode
        finally:
            self.process = None
            _running.discard(self)

    def stop(self) -> Optional[int]:
        """Stops the server if it runs, never raising; returns the exit code."""
        if self.process is None:
            return None
        try:
            return self.signal_stop(signal.SIGTERM)
        except ServerFailed:
            return None

    def client(self, key: Optional[str] = None) -> Lightfield:
        return make_client(self.base_url, key if key is not None else self.default_key)


def make_client(base_url: str, key: str) -> Lightfield:
    return Lightfield(
        api_key=key,
        base_url=base_url,
        _strict_response_validation=True,
        max_retries=0,
        timeout=REQUEST_TIMEOUT_SECS,
    )
