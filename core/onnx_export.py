"""The bundled model as ONNX files for ONNX Runtime: fp32, and int8 by dynamic quantisation.

Made once from the converted sentence-transformers folder (:func:`core.embed.bundled_model_dir`)
into the model cache, reproducibly: ``torch.onnx.export`` (the TorchScript exporter, opset 17) of
BertModel with e5's mean pooling and normalisation inside the graph, so the file's output is the
sentence vector; then ``onnxruntime.quantization.quantize_dynamic`` (int8 weights, per channel)
for the int8 file.

The fp32 file the ``onnx`` runtime runs is that graph without its word-embedding table: the
250,002 × 384 table (384 MB of the model's 470) is saved beside it as a NumPy file, which the
embedder maps from disk and looks the question's tokens up in, passing their vectors to the graph
(input ``word_vectors``). The same numbers go through the same operations, so the vectors are the
whole graph's; but only the rows of tokens actually asked about are ever read into memory.

Every step is deterministic: the same libraries give byte-identical files (their sha256 is
recorded in ``onnx.json`` and goes into the index fingerprint, so vectors of another export are
never mixed with these). Exporting needs torch (set-up and ingest have it); running the files
needs only onnxruntime, numpy and tokenizers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from core.errors import ModelError

log = logging.getLogger(__name__)

EXPORT_VERSION = 2  # bump when the export or the quantisation changes; the index fingerprint follows it
OPSET = 17
FILES = {"onnx": "encoder.onnx", "onnx-int8": "model-int8.onnx"}  # the graph each runtime runs
WORD_TABLE = "word_embeddings.npy"  # the fp32 graph's word embeddings, looked up outside it (runtime onnx)
WORD_INPUT = "word_vectors"  # the input of the graph without the table: the tokens' rows, [batch, tokens, dim]
_FULL = "model.onnx"  # the whole fp32 graph: the source of the other two, not kept
_GATHER = "/bert/embeddings/word_embeddings/Gather"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _export_fp32(model_dir: Path, out: Path) -> None:
    import torch
    from transformers import BertModel

    bert = BertModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class SentenceVector(torch.nn.Module):
        """BertModel, then the mean over the real tokens, then unit length (as sentence-transformers)."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    example = torch.tensor([[0, 35378, 12, 2]], dtype=torch.int64)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "embedding": {0: "batch"}}
    # The TorchScript exporter on purpose: deterministic, and it needs no onnxscript (torch warns it is legacy).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(SentenceVector(), (example, torch.ones_like(example)), str(out),
                          input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          dynamic_axes=axes, opset_version=OPSET, dynamo=False)


def _quantize(source: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per channel: mean cosine to the fp32 vectors 0.995 on the dev questions (per tensor: 0.988).
    quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True)


def _split_word_table(source: Path, graph_out: Path, table_out: Path) -> None:
    """The graph without its word-embedding lookup (input ``word_vectors`` instead), and the table as .npy."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    gather = next(n for n in graph.node if n.name == _GATHER)
    table_name = gather.input[0]
    table = next(i for i in graph.initializer if i.name == table_name)
    np.save(table_out, np.ascontiguousarray(numpy_helper.to_array(table), dtype=np.float32))
    for node in graph.node:  # what read the lookup's output reads the new input
        node.input[:] = [WORD_INPUT if name == gather.output[0] else name for name in node.input]
    graph.node.remove(gather)
    graph.initializer.remove(table)
    dim = table.dims[1]
    graph.input.append(onnx.helper.make_tensor_value_info(WORD_INPUT, onnx.TensorProto.FLOAT,
                                                          ["batch", "tokens", dim]))
    onnx.checker.check_model(model)
    onnx.save(model, str(graph_out))


def onnx_dir(cache_dir: Path, model_dir: Path) -> Path:
    """The folder with both ONNX files of the converted model in ``model_dir``; exported on first use."""
    target = cache_dir / f"{model_dir.name}-onnx-v{EXPORT_VERSION}"
    if (target / "onnx.json").is_file():
        return target
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=cache_dir))
    try:
        log.info("Exporting the embedding model to ONNX into %s (once; about 30 s)", target)
        out = work / "onnx"
        out.mkdir()
        try:
            _export_fp32(model_dir, out / _FULL)
            _quantize(out / _FULL, out / FILES["onnx-int8"])
            _split_word_table(out / _FULL, out / FILES["onnx"], out / WORD_TABLE)
            (out / _FULL).unlink()
        except ImportError as exc:
            raise ModelError(f"Exporting the model to ONNX needs torch, transformers and onnx ({exc}).",
                             hint="Run `make setup`, then `vagvisare ingest` once with this runtime.") from None
        shutil.copyfile(model_dir / "tokenizer.json", out / "tokenizer.json")
        info = {"export_version": EXPORT_VERSION, "opset": OPSET, "from": model_dir.name,
                "sha256": {runtime: _sha256(out / name) for runtime, name in FILES.items()},
                "word_table_sha256": _sha256(out / WORD_TABLE)}
        (out / "onnx.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
        try:
            os.replace(out, target)
        except OSError:
            if not (target / "onnx.json").is_file():  # another process may have won the race
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def onnx_info(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "onnx.json").read_text(encoding="utf-8")))
