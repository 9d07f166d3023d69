#!/usr/bin/env python3
"""Runs the ONNX checker (with full shape inference) on every .onnx file of an sgraf bundle.

Usage: scripts/check-onnx-bundle.py BUNDLE_DIR
Needs the `onnx` Python package (Debian: apt-get install python3-onnx; run with /usr/bin/python3).
Exits 0 when every graph passes, 1 otherwise.
"""
import json
import os
import sys

import onnx
import onnx.checker
import onnx.shape_inference


def main(bundle):
    manifest = json.load(open(os.path.join(bundle, "manifest.json")))
    failures = 0
    names = sorted(manifest["files"])
    # The picture encoder is listed apart from the other files, and may be absent (it is rebuilt from its package).
    picture_encoder = manifest.get("picture_encoder")
    if picture_encoder and os.path.exists(os.path.join(bundle, picture_encoder["file"])):
        names.append(picture_encoder["file"])
    for name in names:
        if not name.endswith(".onnx"):
            continue
        path = os.path.join(bundle, name)
        try:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
            outputs = ", ".join(
                f"{o.name}[{','.join(d.dim_param or str(d.dim_value) for d in o.type.tensor_type.shape.dim)}]"
                for o in inferred.graph.output)
            print(f"ok   {name}: ir {model.ir_version}, opset {model.opset_import[0].version}, "
                  f"{len(model.graph.node)} nodes -> {outputs}")
        except Exception as e:  # report every file, then fail
            failures += 1
            print(f"FAIL {name}: {e}")
    print(f"onnx {onnx.__version__}: {failures} failing graph(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
