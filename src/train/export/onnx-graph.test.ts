import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { INPUT_NAMES, OUTPUT_NAMES, weightShapes, type ModelConfig, type Weights } from '../../nlu/model-spec';
import { EMBEDDING_HEAVY_CONFIG, SMALL_CONFIG, batchWithMasks, randomBatch, randomWeights, sequenceOf } from './fixtures';
import { BATCH_DIM, MODEL_SPEC_VERSION, exportOnnx, trainedTokenRows } from './onnx-graph';
import { referenceForward, type ForwardInputs, type ForwardOutputs } from './reference-forward';
import { maxAbsDiff, runModel, type Session } from './run-onnx';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;

/** Operators onnxruntime-web's WASM backend runs; the graph must use nothing else. */
const WASM_OPERATORS = new Set([
  'Gather', 'MatMul', 'Add', 'Mul', 'Sub', 'Div', 'LayerNormalization', 'Softmax', 'Transpose', 'Reshape', 'Erf',
  'ReduceSum', 'ReduceMax', 'Identity', 'Unsqueeze', 'Cast', 'Max', 'Min', 'Floor', 'Concat', 'MatMulInteger', 'DynamicQuantizeLinear',
]);
const TABLES = ['embed.pretrained', 'embed.vocab', 'embed.ngram', 'intent.sparse', 'entity.sparse'];

interface ValueSummary {
  name: string;
  type: number;
  dims: Array<number | string>;
}

/** The decoded model with its optional protobuf fields resolved. */
interface ModelSummary {
  irVersion: number;
  opsets: Array<[domain: string, version: number]>;
  metadata: Map<string, string>;
  nodes: Array<{ opType: string; inputs: string[] }>;
  initializers: Map<string, { dataType: number; dims: number[] }>;
  inputs: ValueSummary[];
  outputs: ValueSummary[];
}

function summarize(bytes: Uint8Array): ModelSummary {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph ?? {};
  const values = (list: OnnxTypes.IValueInfoProto[] | null | undefined): ValueSummary[] =>
    (list ?? []).map((v) => ({
      name: v.name ?? '',
      type: v.type?.tensorType?.elemType ?? DataType.UNDEFINED,
      dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue)),
    }));
  return {
    irVersion: Number(model.irVersion),
    opsets: model.opsetImport.map((o) => [o.domain ?? '', Number(o.version)]),
    metadata: new Map(model.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
    nodes: (graph.node ?? []).map((n) => ({ opType: n.opType ?? '', inputs: n.input ?? [] })),
    initializers: new Map((graph.initializer ?? []).map((t) => [t.name ?? '', { dataType: t.dataType ?? DataType.UNDEFINED, dims: (t.dims ?? []).map(Number) }])),
    inputs: values(graph.input),
    outputs: values(graph.output),
  };
}

function session(bytes: Uint8Array): Promise<Session> {
  return ort.InferenceSession.create(bytes);
}

function run(s: Session, config: ModelConfig, inputs: ForwardInputs): Promise<ForwardOutputs> {
  return runModel(ort, s, config, inputs);
}

/** A row-major slice of sequence b from a [B, ...] array with `size` values per sequence. */
function row(values: Float32Array, b: number, size: number): Float32Array {
  return values.subarray(b * size, (b + 1) * size);
}

function argmax(values: Float32Array): number {
  return values.reduce((best, value, i) => (value > values[best]! ? i : best), 0);
}

describe('exportOnnx: the model file', () => {
  const weights = randomWeights(SMALL_CONFIG, 1);
  // Unfolded, so every spec weight is in the file under its own name.
  const float = summarize(exportOnnx(SMALL_CONFIG, weights, { quantize: false, tokenTable: 'separate' }));
  // int8 throughout: 8 bits for every table.
  const int8 = summarize(exportOnnx(SMALL_CONFIG, weights, { quantize: true, tokenTable: 'separate', precision: {} }));

  it('is IR 8, opset 17, with the spec inputs and outputs and a symbolic batch', () => {
    const { maxTokens: T, ngramsPerToken: K, sparseFeatures: S, tokenFeaturesPerToken: F } = SMALL_CONFIG;
    for (const model of [float, int8]) {
      expect(model.irVersion).toBe(8);
      expect(model.opsets).toEqual([['', 17]]);
      expect(model.inputs).toEqual([
        { name: INPUT_NAMES[0], type: DataType.INT32, dims: [BATCH_DIM, T] },
        { name: INPUT_NAMES[1], type: DataType.FLOAT, dims: [BATCH_DIM, T] },
        { name: INPUT_NAMES[2], type: DataType.INT32, dims: [BATCH_DIM, T, K] },
        { name: INPUT_NAMES[3], type: DataType.INT32, dims: [BATCH_DIM, S] },
        { name: INPUT_NAMES[4], type: DataType.INT32, dims: [BATCH_DIM, T, F] },
      ]);
      expect(model.outputs).toEqual([
        { name: OUTPUT_NAMES[0], type: DataType.FLOAT, dims: [BATCH_DIM, SMALL_CONFIG.intents] },
        { name: OUTPUT_NAMES[1], type: DataType.FLOAT, dims: [BATCH_DIM, T, SMALL_CONFIG.tags] },
      ]);
      expect(model.metadata.get('parley.model_spec')).toBe(MODEL_SPEC_VERSION);
      for (const node of model.nodes) expect(WASM_OPERATORS, node.opType).toContain(node.opType);
    }
  });

  it('float32: every weight is a float initializer under its spec name and shape', () => {
    for (const [name, shape] of weightShapes(SMALL_CONFIG)) {
      expect(float.initializers.get(name), name).toEqual({ dataType: DataType.FLOAT, dims: shape });
    }
    expect(float.nodes.some((n) => n.opType === 'MatMulInteger' || n.opType === 'DynamicQuantizeLinear')).toBe(false);
  });

  it('int8: matrices per column through MatMulInteger, tables per row, small vectors float', () => {
    const byName = int8.initializers;
    const matMulWeights = new Set(int8.nodes.filter((n) => n.opType === 'MatMulInteger').map((n) => n.inputs[1]));
    const floatMatMulInputs = int8.nodes.filter((n) => n.opType === 'MatMul').flatMap((n) => n.inputs);
    expect(floatMatMulInputs.filter((name) => byName.has(name))).toEqual([]); // float MatMul only between activations
    for (const [name, shape] of weightShapes(SMALL_CONFIG)) {
      // The position table is a float constant: int8 per row when it is wide enough (the shipped width), float here.
      const isMatrix = shape.length === 2 && name !== 'embed.position';
      expect(byName.get(name), name).toEqual({ dataType: isMatrix ? DataType.INT8 : DataType.FLOAT, dims: shape });
      if (!isMatrix) continue;
      const scaleDims = byName.get(`${name}.scale`)?.dims;
      if (TABLES.includes(name)) {
        // Wide tables have a scale per row (per embedding vector), narrow ones per column.
        expect(scaleDims, name).toEqual(shape[1]! >= 32 ? [shape[0], 1] : [shape[1]]);
      } else {
        expect(scaleDims, name).toEqual([shape[1]]);
        expect(matMulWeights.has(name), name).toBe(true);
      }
    }
    // Per layer q, k, v, out, ffn in and out; then the token table, intent, entity and entity-to-intent.
    expect(matMulWeights.size).toBe(6 * SMALL_CONFIG.layers + 4);
    expect(int8.nodes.some((n) => n.opType === 'DequantizeLinear' || n.opType === 'QuantizeLinear')).toBe(false);
  });

  it('the default precision: 4-bit tables two values a byte (uint8, half the columns), the intent path 5 bits one a byte, float16 row scales', () => {
    const config = { ...SMALL_CONFIG, intents: 6, tags: 5 };
    const packed = summarize(exportOnnx(config, randomWeights(config, 1), { quantize: true, tokenTable: 'separate' })).initializers;
    expect(packed.get('embed.ngram')).toEqual({ dataType: DataType.UINT8, dims: [config.ngramBuckets, config.width / 2] });
    const wide = { ...config, width: 32, heads: 2 };
    const wideTables = summarize(exportOnnx(wide, randomWeights(wide, 1), { quantize: true, tokenTable: 'separate' })).initializers;
    expect(wideTables.get('embed.ngram.scale')).toEqual({ dataType: DataType.FLOAT16, dims: [wide.ngramBuckets, 1] });
    expect(packed.get('intent.sparse')).toEqual({ dataType: DataType.INT8, dims: [config.sparseBuckets, config.intents] });
    // An odd number of columns cannot be packed: 4 bits, one value a byte.
    expect(packed.get('entity.sparse')).toEqual({ dataType: DataType.INT8, dims: [config.tokenFeatureBuckets, config.tags] });
  });

  it('refuses weights that do not fit the config', () => {
    const broken: Weights = { ...weights, 'layer0.attn.q': new Float32Array(5) };
    expect(() => exportOnnx(SMALL_CONFIG, broken, { quantize: false })).toThrow(/layer0\.attn\.q/);
    expect(() => exportOnnx({ ...SMALL_CONFIG, heads: 3 }, weights, { quantize: false })).toThrow(/heads/);
  });
});

describe('exportOnnx float32 in onnxruntime-node matches referenceForward', () => {
  const T = SMALL_CONFIG.maxTokens;
  const { intents, tags } = SMALL_CONFIG;
  const cases: Array<[string, ForwardInputs]> = [
    ['a batch of 7 random lengths', randomBatch(SMALL_CONFIG, 7, 21)],
    ['a single sequence', randomBatch(SMALL_CONFIG, 1, 22)],
    [
      'masks: one real token first / in the middle / last, non-contiguous, full',
      batchWithMasks(
        SMALL_CONFIG,
        [
          [1, 0, 0, 0, 0, 0, 0, 0],
          [0, 0, 0, 0, 1, 0, 0, 0],
          [0, 0, 0, 0, 0, 0, 0, 1],
          [1, 0, 1, 1, 0, 0, 1, 0],
          [1, 1, 1, 1, 1, 1, 1, 1],
        ],
        23,
      ),
    ],
  ];

  for (const std of [0.1, 0.5]) {
    describe(`weights with std ${std}`, () => {
      const weights = randomWeights(SMALL_CONFIG, 30, std);
      let model: Session;
      beforeAll(async () => {
        model = await session(exportOnnx(SMALL_CONFIG, weights, { quantize: false }));
      });

      for (const [label, inputs] of cases) {
        it(label, async () => {
          const expected = referenceForward(SMALL_CONFIG, weights, inputs);
          const actual = await run(model, SMALL_CONFIG, inputs);
          expect(maxAbsDiff(actual.intentLogits, expected.intentLogits)).toBeLessThan(1e-4);
          expect(maxAbsDiff(actual.entityLogits, expected.entityLogits)).toBeLessThan(1e-4);
        });
      }

      it('a sequence with no real token: exact intents; entity logits only near', async () => {
        // Every key carries MASK_PENALTY, and float32 rounding of (score + penalty) changes the attention.
        const inputs = batchWithMasks(SMALL_CONFIG, [[0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 1, 0, 0, 0, 0, 0]], 24);
        const expected = referenceForward(SMALL_CONFIG, weights, inputs);
        const actual = await run(model, SMALL_CONFIG, inputs);
        expect(maxAbsDiff(actual.intentLogits, expected.intentLogits)).toBeLessThan(1e-4);
        expect(maxAbsDiff(row(actual.entityLogits, 0, T * tags), row(expected.entityLogits, 0, T * tags))).toBeLessThan(1e-2);
        expect(maxAbsDiff(row(actual.entityLogits, 1, T * tags), row(expected.entityLogits, 1, T * tags))).toBeLessThan(1e-4);
        expect(actual.intentLogits).toHaveLength(2 * intents);
      });
    });
  }
});

describe('exportOnnx int8', () => {
  const config = EMBEDDING_HEAVY_CONFIG;
  const weights = randomWeights(config, 40, 0.1);
  const floatBytes = exportOnnx(config, weights, { quantize: false });
  const int8Bytes = exportOnnx(config, weights, { quantize: true, precision: {} });
  const defaultBytes = exportOnnx(config, weights, { quantize: true });

  it('is at least 3x smaller than float32 when embeddings dominate', () => {
    const ratio = floatBytes.length / int8Bytes.length;
    console.info(`int8 model: ${int8Bytes.length} bytes, float32: ${floatBytes.length} bytes, ratio ${ratio.toFixed(2)}`);
    expect(ratio).toBeGreaterThanOrEqual(3);
  });

  it('the default precision (4-bit tables) is smaller still and stays near float32 on random weights', async () => {
    expect(defaultBytes.length).toBeLessThan(int8Bytes.length * 0.9);
    const [floatModel, defaultModel] = await Promise.all([session(floatBytes), session(defaultBytes)]);
    const batch = randomBatch(config, 100, 43);
    const [a, b] = [await run(floatModel, config, batch), await run(defaultModel, config, batch)];
    // Random tables are what 4 bits suit least (no row is small); the gate is the trained model's
    // agreement in src/train/compile.test.ts.
    expect(maxAbsDiff(a.intentLogits, b.intentLogits)).toBeLessThan(0.3);
    expect(maxAbsDiff(a.entityLogits, b.entityLogits)).toBeLessThan(0.5);
  });

  it('stays close to float32 and agrees on the top intent for >= 99% of 300 sequences', async () => {
    const [floatModel, int8Model] = await Promise.all([session(floatBytes), session(int8Bytes)]);
    const count = 300;
    const batch = randomBatch(config, count, 41);
    const floatOut = await run(floatModel, config, batch);
    const { intents, tags, maxTokens: T } = config;
    let agree = 0;
    let intentDiff = 0;
    let entityDiff = 0;
    for (let b = 0; b < count; b++) {
      // One sequence per run, as the widget runs it (activation ranges are per batch).
      const int8Out = await run(int8Model, config, sequenceOf(config, batch, b));
      const floatIntents = row(floatOut.intentLogits, b, intents);
      if (argmax(int8Out.intentLogits) === argmax(floatIntents)) agree++;
      intentDiff = Math.max(intentDiff, maxAbsDiff(int8Out.intentLogits, floatIntents));
      entityDiff = Math.max(entityDiff, maxAbsDiff(int8Out.entityLogits, row(floatOut.entityLogits, b, T * tags)));
    }
    console.info(`int8 vs float32 over ${count} sequences: top-1 intent agreement ${((100 * agree) / count).toFixed(2)}%, max |diff| intents ${intentDiff.toFixed(4)}, entities ${entityDiff.toFixed(4)}`);
    // Random weights put many logits within int8 noise of each other (7-bit matmul weights), so this is
    // a sanity bound; the real gate is the trained model (src/train/compile.test.ts: >= 99.5%).
    expect(agree / count).toBeGreaterThanOrEqual(0.98);
    expect(intentDiff).toBeLessThan(0.1);
    expect(entityDiff).toBeLessThan(0.1);
  });
});

describe('folded token embeddings', () => {
  it('compute the same logits as the unfolded graph, in a smaller file', async () => {
    const config = EMBEDDING_HEAVY_CONFIG;
    const weights = randomWeights(config, 21);
    const inputs = randomBatch(config, 4, 22);
    const folded = exportOnnx(config, weights, { quantize: false, tokenTable: 'folded' });
    const unfolded = exportOnnx(config, weights, { quantize: false, tokenTable: 'separate' });
    expect(folded.byteLength).toBeLessThan(unfolded.byteLength);
    const [a, b] = [await run(await session(folded), config, inputs), await run(await session(unfolded), config, inputs)];
    expect(maxAbsDiff(a.intentLogits, b.intentLogits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(a.entityLogits, b.entityLogits)).toBeLessThan(1e-4);
  });
});

describe('split token table', () => {
  // Pretrained vectors narrower than the width, as in the shipped model (100 and 128).
  const config = { ...EMBEDDING_HEAVY_CONFIG, pretrainedDim: 24 };
  const moved = 700;
  // The general words past `moved` kept a zero learned row, as no example used them.
  const weights = randomWeights(config, 61);
  weights['embed.vocab']!.fill(0, moved * config.width);
  const inputs = randomBatch(config, 6, 62);

  it('finds the rows training moved', () => {
    expect(trainedTokenRows(config, weights)).toBe(moved);
    expect(trainedTokenRows(config, randomWeights(config, 61))).toBe(config.vocabSize);
  });

  it('computes the logits of the unfolded graph, with the pretrained vectors alone past the moved rows', async () => {
    const split = exportOnnx(config, weights, { quantize: false });
    const tables = summarize(split).initializers;
    expect(tables.get('embed.token')?.dims).toEqual([moved + 1, config.width]);
    expect(tables.get('embed.general')?.dims).toEqual([config.vocabSize - moved + 1, config.pretrainedDim]);
    const separate = exportOnnx(config, weights, { quantize: false, tokenTable: 'separate' });
    const folded = exportOnnx(config, weights, { quantize: false, tokenTable: 'folded' });
    expect(split.byteLength).toBeLessThan(folded.byteLength);
    const [a, b] = [await run(await session(split), config, inputs), await run(await session(separate), config, inputs)];
    expect(maxAbsDiff(a.intentLogits, b.intentLogits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(a.entityLogits, b.entityLogits)).toBeLessThan(1e-4);
    // Every id reads its own word: the first and last moved ids, the first general one, the last id.
    const edges = batchWithMasks(config, [Array.from({ length: config.maxTokens }, () => 1)], 63);
    edges.tokens.set([1, moved - 1, moved, moved + 1, config.vocabSize - 1]);
    const [c, d] = [await run(await session(split), config, edges), await run(await session(separate), config, edges)];
    expect(maxAbsDiff(c.entityLogits, d.entityLogits)).toBeLessThan(1e-4);
  });

  it('int8: close to float32, and falls back to the folded table when every row moved', async () => {
    const int8 = exportOnnx(config, weights, { quantize: true, precision: {} });
    const float = exportOnnx(config, weights, { quantize: false });
    const [a, b] = [await run(await session(int8), config, inputs), await run(await session(float), config, inputs)];
    expect(maxAbsDiff(a.intentLogits, b.intentLogits)).toBeLessThan(0.1);
    expect(summarize(exportOnnx(config, randomWeights(config, 61), { quantize: true })).initializers.has('embed.general')).toBe(false);
  });
});
