"""What opsc-terms keeps between runs, in the platform's cache folder.

- **Built rules** (always): the rule pack parsed from its files and the prefilter's
  keywords, so a run that finds nothing never reads the lemma tables or parses TOML again.
- **Results** (the command line's ``opsc-terms check``, unless ``--no-cache``): the findings
  of each block of text that reached the engine, so checking unchanged files again never
  loads spaCy (pre-commit runs over the same files many times).
- **Bytecode**, when Python cannot write it next to an installed package (a read-only or
  ``uv``-made environment): compiling spaCy's modules on every run triples its import time.

Every entry is keyed by a digest of everything that decides it: the package's own code,
the versions of spaCy and its lookup data, the bytes of every rule file and the
configuration. An entry that does not match is simply not found; one that cannot be read
(truncated, corrupt, from another version) is ignored and replaced. Files are written to
a temporary name and renamed, and the results are a SQLite database, so concurrent runs
(``--jobs``, several terminals) never see half an entry. ``opsc-terms clean`` removes it
all. ``OPSC_TERMS_CACHE_DIR`` moves it; nothing here is needed for correct results.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
import threading
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

ENV_DIR = "OPSC_TERMS_CACHE_DIR"
ENV_RESULTS = "OPSC_TERMS_RESULT_CACHE"  # "1": keep results (set by the command line; inherited by --jobs workers)
_RESULT_ROWS = 200_000  # results kept; the oldest half goes when there are more


def cache_dir() -> Path:
    """``$OPSC_TERMS_CACHE_DIR``, else the platform's cache folder for opsc-terms."""
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return Path(chosen)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "opsc-terms" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "opsc-terms"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "opsc-terms"


def clear() -> Path:
    """Remove everything cached (``opsc-terms clean``); returns the folder that was removed."""
    import shutil

    folder = cache_dir()
    shutil.rmtree(folder, ignore_errors=True)
    return folder


# --------------------------------------------------------------------------- keys


@cache
def code_version() -> str:
    """A digest of the installed code that decides results: this package's modules (their
    names, sizes and modification times: an edit or a reinstall changes them), and the
    installed spaCy and spacy-lookups-data (likewise, by their version files)."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    for folder in (package, package / "documents"):
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    info = entry.stat()
                    digest.update(f"{folder.name}/{entry.name}:{info.st_size}:{info.st_mtime_ns}\0".encode())
    for name, file in (("spacy", "about.py"), ("spacy_lookups_data", "__init__.py")):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = Path(spec.origin).with_name(file) if spec is not None and spec.origin else None
        with contextlib.suppress(OSError):
            if origin is not None:
                info = origin.stat()
                digest.update(f"{name}:{origin}:{info.st_size}:{info.st_mtime_ns}\0".encode())
                digest.update(origin.read_bytes())
    return digest.hexdigest()


def key(*parts: str | bytes) -> str:
    """A digest of ``parts`` and of the code version."""
    digest = hashlib.blake2b(code_version().encode(), digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


# --------------------------------------------------------------------------- built objects


def load(kind: str, digest: str) -> Any | None:
    """An object stored under ``digest``, or None (never stored, unreadable, stale)."""
    path = cache_dir() / kind / f"{digest}.pickle"
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # truncated, corrupt, or written by other code: ignore it
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == digest):
        return None
    return stored[1]


def store(kind: str, digest: str, value: Any) -> None:
    """Keep ``value`` under ``digest``; a failure to write is not an error (it is a cache)."""
    import tempfile

    folder = cache_dir() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{digest}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((digest, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{digest}.pickle")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, pickle.PicklingError):
        pass


# --------------------------------------------------------------------------- results


def results_enabled() -> bool:
    return os.environ.get(ENV_RESULTS) == "1"


def use_results(enabled: bool) -> None:
    """Turn the result cache on or off for this process and the worker processes it starts
    (through the environment, which ``--jobs`` workers inherit however they start)."""
    os.environ[ENV_RESULTS] = "1" if enabled else "0"


class ResultStore:
    """Findings per block of text, in a SQLite database shared by every run.

    Keys are digests (see :func:`key`); values are opaque bytes. Every operation is best
    effort: a locked, unreadable or corrupt database makes lookups miss and stores do
    nothing, and a corrupt one is removed so the next run starts afresh.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "results.sqlite3"
        self._lock = threading.Lock()
        self._db: Any = None
        self._broken = False

    def _connect(self) -> Any:
        if self._db is None and not self._broken:
            self._db = self._open()
            if self._db is None and self._remove_if_corrupt():
                self._db = self._open()  # a fresh database in place of the corrupt one
            self._broken = self._db is None
        return self._db

    def _open(self) -> Any:
        import sqlite3

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=2, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            return db
        except (sqlite3.Error, OSError):
            return None

    def _remove_if_corrupt(self) -> bool:
        """Remove the database if it is not one (truncated, overwritten): it would fail
        every run. A database that is only locked is left alone."""
        import sqlite3

        try:
            probe = sqlite3.connect(self.path, timeout=2)
            try:
                probe.execute("PRAGMA schema_version").fetchall()
                return False
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                return False  # locked or unreachable, not corrupt
        except (sqlite3.Error, OSError):
            return False
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(str(self.path) + suffix)
        return True

    def _give_up(self) -> None:
        """Stop using the database for this run; remove it if it turns out to be corrupt."""
        import sqlite3

        self._broken = True
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        self._remove_if_corrupt()

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        import sqlite3

        with self._lock:
            db = self._connect()
            if db is None or not keys:
                return {}
            found: dict[str, bytes] = {}
            try:
                for first in range(0, len(keys), 500):
                    part = keys[first:first + 500]
                    rows = db.execute(f"SELECT key, value FROM results WHERE key IN ({','.join('?' * len(part))})",
                                      part).fetchall()
                    found.update((k, bytes(v)) for k, v in rows)
            except sqlite3.DatabaseError:
                self._give_up()
                return {}
            return found

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        import sqlite3

        rows = list(items)
        with self._lock:
            db = self._connect()
            if db is None or not rows:
                return
            try:
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)", rows)
                (count,) = db.execute("SELECT count(*) FROM results").fetchone()
                if count > _RESULT_ROWS:  # keep the newest half
                    db.execute("DELETE FROM results WHERE rowid IN (SELECT rowid FROM results ORDER BY rowid "
                               "LIMIT ?)", (count - _RESULT_ROWS // 2,))
                db.execute("COMMIT")
            except sqlite3.OperationalError:  # locked by another run for too long: skip
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                self._give_up()


@cache
def result_store() -> ResultStore:
    return ResultStore()


# --------------------------------------------------------------------------- bytecode


def ensure_bytecode(package: str = "spacy") -> None:
    """Let Python keep compiled modules in the cache folder when it cannot write them
    next to ``package`` (read-only site-packages, or an installer that did not compile).

    Call before the package is imported; it only acts when the package's own bytecode is
    missing and its folder is not writable, and never overrides a prefix already chosen.
    """
    if sys.pycache_prefix is not None or sys.dont_write_bytecode:
        return
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return
    compiled = Path(importlib.util.cache_from_source(spec.origin))
    if compiled.exists():
        return
    folder = compiled.parent if compiled.parent.exists() else Path(spec.origin).parent
    if os.access(folder, os.W_OK):
        return  # Python writes it there itself on this first import
    sys.pycache_prefix = str(cache_dir() / "pycache")
