"""The one settings object.

Read once from environment variables prefixed ``VAGVISARE_`` and, optionally, a
TOML file named by ``VAGVISARE_CONFIG`` (environment wins over the file).
Every setting has a default and a description; an unknown key is an error.
Nothing here reads the environment at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from core.errors import ConfigError

PREFIX = "VAGVISARE_"
BUNDLED_MODEL = "bundled:multilingual-e5-small"
RUNTIMES = ("torch", "onnx", "onnx-int8")


def _s(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = _s(Path("../shared/corpus"), "Directory with the source documents (the local mirror).")
    manifest: Path = _s(Path("corpus/sources.toml"), "The source manifest: one [[source]] table per document.")
    bank_dir: Path = _s(Path(""), "The question bank: one <doc_id>.jsonl of questions per document "
                                  "(empty: the folder bank/ beside the manifest).")
    index_dir: Path = _s(Path("var/index"), "Where `vagvisare ingest` writes the index and the server reads it.")
    data_dir: Path = _s(Path("var/data"), "Feedback and conversations (SQLite).")
    embedding_model: str = _s(
        BUNDLED_MODEL,
        "Embedding model: the bundled multilingual-e5-small, a sentence-transformers folder or hub name, "
        "or `hash:<dim>` (a deterministic test embedder).",
    )
    embedding_runtime: str = _s(
        "onnx", "How the bundled model runs: `onnx` (ONNX Runtime, fp32: torch's vectors at twice the speed, and a "
                "server without torch), `torch` (sentence-transformers) or `onnx-int8` (ONNX Runtime, int8 "
                "weights). The index records it: a change means `vagvisare ingest --rebuild` (docs/benchmark.md).")
    embedding_threads: int = _s(1, "Threads the model uses for the server's questions (its concurrent requests are "
                                   "the parallelism); an ingest uses every core.")
    model_cache_dir: Path = _s(Path("var/models"), "Where the bundled model is converted to, once.")
    admin_token: str = _s("", "Bearer token for the admin endpoints (index reload); `vagvisare serve` refuses "
                              "an empty, default or short (< 16 characters) token unless dev_mode.")
    rate_limit: int = _s(120, "Requests per minute per client (IP address) to the question and feedback "
                              "endpoints, per server process; 0 disables the limit.")
    max_body_bytes: int = _s(65_536, "Largest request body accepted, in bytes (a larger one gets 413).")
    dev_mode: bool = _s(False, "Development mode: allows an empty or weak admin token.")
    as_of: str = _s("", "Date (YYYY-MM-DD) that decides which wording is in force; empty means today.")
    dense_weight: float = _s(1.0, "Weight of dense (e5) ranks in reciprocal rank fusion.")
    # 0.6 since the bank grew to 7,312 questions (its dense signal got stronger): `vagvisare eval tune
    # bm25_weight=0.5,0.6,0.7,0.8` on dev, blind-train, blind-extra gave 1.655 against 1.648 at the old 0.8
    bm25_weight: float = _s(0.6, "Weight of BM25 ranks in reciprocal rank fusion.")
    rrf_k: int = _s(30, "The k constant of reciprocal rank fusion.")
    sentence_weight: float = _s(0.3, "Share of a clause's dense score taken from its best-matching sentence.")
    bank_offset: float = _s(
        0.04, "A clause's dense score is the better of its text's and (this much lower) its bank questions' (pooled) "
              "similarity to the question: questions resemble each other more than they resemble a law's text.")
    document_boost: float = _s(
        0.02, "Fusion bonus for clauses of a document the question names (half for its companion act).")
    abstain_threshold: float = _s(
        0.0, "Evidence score under which the assistant abstains (0: the calibrated value; negative: never).")
    max_question_chars: int = _s(1000, "Longest question accepted, in characters.")
    query_batch: int = _s(32, "The server embeds up to this many concurrent questions in one forward pass of the "
                              "model; 1 embeds each question on its own.")
    query_process: bool = _s(True, "The server embeds questions in a process of its own, so that the model runs "
                                   "beside the request threads instead of waiting for Python's lock.")
    server_threads: int = _s(32, "Requests a server process works on at once; more wait in line. Concurrent "
                                 "questions are embedded together, so this bounds the batch.")
    queue_max: int = _s(32, "Questions a server process lets wait beyond those it works on (server_threads); one "
                            "more is refused at once with 503 and Retry-After. 0: no bound.")
    retry_after: int = _s(1, "Seconds a refused request (503, queue full) is told to wait (Retry-After).")
    support_sv: str = _s(
        "Kontakta din organisations säkerhetsskyddschef eller stödet för forskningssäkerhet.",
        "Who to ask when the sources do not answer (Swedish).",
    )
    support_en: str = _s(
        "Contact your organisation's security officer or its research-security support.",
        "Who to ask when the sources do not answer (English).",
    )
    base_url: str = _s("", "Public base URL used in permalinks (empty: relative links).")
    log_level: str = _s("INFO", "Logging level of the CLI and the server.")
    database_url: str = _s("", "Where conversations, feedback and share links are kept: empty for SQLite in the data "
                               "directory; postgresql://user:password@host:5432/db for PostgreSQL, which several "
                               "servers (replicas) share.")
    trusted_proxies: str = _s("", "Comma-separated addresses or networks (CIDR) of reverse proxies whose "
                                  "X-Forwarded-For and X-Forwarded-Proto are believed; empty: none.")
    index_poll: float = _s(30.0, "Seconds between checks for a newly published index (a new `vagvisare ingest`), "
                                 "which is then loaded and swapped in; 0: only on POST /api/admin/reload.")
    log_format: str = _s("text", "Server log lines as `text` or `json` (one object a line, with a request id).")
    log_questions: bool = _s(False, "Whether the server's logs may contain the questions asked (personal data); "
                                    "off by default.")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def bank_path(self) -> Path:
        """The question bank's folder: the setting, or bank/ beside the manifest."""
        return self.bank_dir if str(self.bank_dir) not in ("", ".") else self.manifest.parent / "bank"

    def as_of_date(self) -> dt.date:
        if not self.as_of:
            return dt.date.today()
        try:
            return dt.date.fromisoformat(self.as_of)
        except ValueError:
            raise ConfigError(f"{PREFIX}AS_OF={self.as_of!r} is not a date.", hint="Use YYYY-MM-DD.") from None

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(environment variable, default, description) for every setting."""
        return [(PREFIX + f.name.upper(), str(f.default), f.metadata["help"]) for f in fields(cls)]


_TYPES: dict[str, type] = {"Path": Path, "str": str, "int": int, "float": float, "bool": bool}


def _convert(name: str, raw: Any, target: Any, where: str) -> Any:
    kind = target if isinstance(target, type) else _TYPES[target]
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if kind is Path:
            return Path(str(raw))
        return kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{where}: {name} = {raw!r} is not a valid {kind.__name__}.",
            hint=f"See `vagvisare settings` for what {name} takes.",
        ) from None


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from the environment (and the TOML file it names), then ``overrides``."""
    env = os.environ if environ is None else environ
    by_name = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}

    config_file = env.get(PREFIX + "CONFIG")
    if config_file:
        path = Path(config_file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{PREFIX}CONFIG points at {path}, which does not exist.") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}", hint="Fix the TOML syntax.") from None
        for key, raw in data.items():
            if key not in by_name:
                raise ConfigError(
                    f"{path}: unknown setting {key!r}.", hint=f"Known settings: {', '.join(sorted(by_name))}."
                )
            values[key] = _convert(key, raw, by_name[key].type, str(path))

    for var, raw in env.items():
        if not var.startswith(PREFIX) or var == PREFIX + "CONFIG":
            continue
        key = var[len(PREFIX):].lower()
        if key not in by_name:
            known = ", ".join(PREFIX + k.upper() for k in sorted(by_name))
            raise ConfigError(f"Unknown environment variable {var}.", hint=f"Known settings: {known}.")
        values[key] = _convert(var, raw, by_name[key].type, "environment")

    for key, raw in overrides.items():
        if key not in by_name:
            raise ConfigError(f"Unknown setting {key!r}.")
        if raw is not None:  # None: not given, keep the environment's or the default
            values[key] = _convert(key, raw, by_name[key].type, "arguments")

    settings = Settings(**values)
    if settings.rate_limit < 0:
        raise ConfigError(f"{PREFIX}RATE_LIMIT must be 0 (off) or a positive number of requests per minute.")
    if settings.query_batch < 1 or settings.server_threads < 1:
        raise ConfigError(f"{PREFIX}QUERY_BATCH and {PREFIX}SERVER_THREADS must be at least 1.")
    if settings.embedding_runtime not in RUNTIMES:
        raise ConfigError(f"{PREFIX}EMBEDDING_RUNTIME={settings.embedding_runtime!r} is not a runtime.",
                          hint=f"Use one of {', '.join(RUNTIMES)}.")
    if settings.embedding_threads < 1 or settings.queue_max < 0 or settings.retry_after < 1:
        raise ConfigError(f"{PREFIX}EMBEDDING_THREADS and {PREFIX}RETRY_AFTER must be at least 1, "
                          f"{PREFIX}QUEUE_MAX at least 0.")
    if settings.max_body_bytes < 1024:
        raise ConfigError(f"{PREFIX}MAX_BODY_BYTES must be at least 1024.")
    if settings.max_question_chars < 10:
        raise ConfigError(f"{PREFIX}MAX_QUESTION_CHARS must be at least 10.")
    for proxy in filter(None, (p.strip() for p in settings.trusted_proxies.split(","))):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError(f"{PREFIX}TRUSTED_PROXIES: {proxy!r} is not an address or network.",
                              hint="Give addresses or networks, comma-separated: 10.0.0.5,10.1.0.0/16.") from None
    if settings.index_poll < 0:
        raise ConfigError(f"{PREFIX}INDEX_POLL must be 0 (admin reload only) or a number of seconds.")
    if settings.log_format not in ("text", "json"):
        raise ConfigError(f"{PREFIX}LOG_FORMAT={settings.log_format!r} is not known.", hint="Use text or json.")
    settings.as_of_date()  # validates the date early
    return settings
