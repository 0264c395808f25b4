// Transformers.js (on onnxruntime-node) embedding a file of texts, one per line, with a local model
// folder and no network: mean pooling and unit length, as sentence-transformers' all-MiniLM-L6-v2.
// The texts go in batches of BATCH sorted by token count (the peer at its best: little padding);
// one warm-up batch first; the time covers tokenizing, the model and pooling, not the model load.
//   node embed.mjs MODEL_ROOT MODEL_NAME TEXTS OUT_F32 BATCH THREADS [DTYPE]   (fp32: onnx/model.onnx; q8: onnx/model_quantized.onnx)
// Prints {"texts": n, "seconds": s}; writes the vectors (float32, input order) to OUT_F32.
import { pipeline, env } from "@huggingface/transformers";
import fs from "node:fs";

const [root, name, textsFile, out, batchText, threadsText, dtype = "fp32"] = process.argv.slice(2);
env.localModelPath = root;
env.allowRemoteModels = false;
const threads = Number(threadsText);
const extractor = await pipeline("feature-extraction", name, {
  dtype, local_files_only: true,
  session_options: { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all" },
});
const texts = fs.readFileSync(textsFile, "utf8").split("\n").filter(t => t.length);
const batch = Number(batchText);
await extractor(texts.slice(0, 8), { pooling: "mean", normalize: true });

const start = performance.now();
const lengths = texts.map(t => extractor.tokenizer(t, { truncation: true }).input_ids.size);
const order = texts.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
let dims = 0;
const vectors = new Array(texts.length);
for (let b = 0; b < order.length; b += batch) {
  const rows = order.slice(b, b + batch);
  const output = await extractor(rows.map(i => texts[i]), { pooling: "mean", normalize: true });
  dims = output.dims[1];
  for (let r = 0; r < rows.length; r++)
    vectors[rows[r]] = output.data.slice(r * dims, (r + 1) * dims);   // a copy: the output buffer may be reused
}
const seconds = (performance.now() - start) / 1000;
const all = new Float32Array(texts.length * dims);
vectors.forEach((v, i) => all.set(v, i * dims));
fs.writeFileSync(out, Buffer.from(all.buffer));
console.log(JSON.stringify({ texts: texts.length, seconds }));
