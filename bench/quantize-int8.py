#!/usr/bin/python3
"""Dynamic int8 quantization of an ONNX model's MatMuls, as onnxruntime.quantization.quantize_dynamic
does it by default (Debian has no python3-onnxruntime; this uses python3-onnx only): every MatMul whose
second input is a constant 2-D float weight becomes

    x -> DynamicQuantizeLinear -> (x_q uint8, x_scale, x_zero)
    MatMulInteger(x_q, W_q int8, x_zero, 0) -> Cast(float) -> Mul(x_scale * W_scale)

with W_q = round(W / W_scale), W_scale = max|W| / 127 (per tensor, symmetric). ONNX Runtime fuses the
chain into its DynamicQuantizeMatMul kernel (VNNI where the CPU has it).

    /usr/bin/python3 bench/quantize-int8.py IN.onnx OUT.onnx
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def main(source, target):
    model = onnx.load(source)
    graph = model.graph
    weights = {t.name: t for t in graph.initializer}
    nodes, quantized = [], 0
    for node in graph.node:
        w = weights.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if w is None or w.data_type != TensorProto.FLOAT or len(w.dims) != 2:
            nodes.append(node)
            continue
        array = numpy_helper.to_array(w)
        scale = np.float32(max(np.abs(array).max(), 1e-12) / 127.0)
        q = np.clip(np.round(array / scale), -127, 127).astype(np.int8)
        base = f"{node.name or node.output[0]}_q"
        graph.initializer.extend([
            numpy_helper.from_array(q, base + "_W"),
            numpy_helper.from_array(np.array(scale, dtype=np.float32), base + "_Wscale"),
            numpy_helper.from_array(np.array(0, dtype=np.int8), base + "_Wzero"),
        ])
        x = node.input[0]
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [x], [base + "_x", base + "_xscale", base + "_xzero"], name=base + "_dql"),
            helper.make_node("MatMulInteger", [base + "_x", base + "_W", base + "_xzero", base + "_Wzero"], [base + "_i32"], name=base + "_mmi"),
            helper.make_node("Cast", [base + "_i32"], [base + "_f"], to=TensorProto.FLOAT, name=base + "_cast"),
            helper.make_node("Mul", [base + "_xscale", base + "_Wscale"], [base + "_scale"], name=base + "_scalemul"),
            helper.make_node("Mul", [base + "_f", base + "_scale"], [node.output[0]], name=base + "_out"),
        ]
        quantized += 1
    del graph.node[:]
    graph.node.extend(nodes)
    used = {i for n in graph.node for i in n.input}
    keep = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
    if all(o.domain in ("", "ai.onnx") and o.version < 11 for o in model.opset_import):
        model.opset_import[0].version = 11   # DynamicQuantizeLinear needs opset 11
    onnx.checker.check_model(model)
    onnx.save(model, target)
    print(f"{quantized} MatMuls quantized to int8; {target}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
