import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web/wasm';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { normal, SMALL_CONFIG } from './fixtures';
import { GraphBuilder } from './onnx-builder';
import { weightOps, type Precision } from './onnx-weights';
import { fromFloat16, limitOfBits, quantizePerColumn, quantizePerRow, toFloat16 } from './quantize';
import { seededRandom } from '../random';

beforeAll(() => {
  ortWeb.env.wasm.numThreads = 1;
});

const random = seededRandom(8);
const ROWS = 40;
/** A wide table (a scale per row) and a narrow one (a scale per column), with their padding rows. */
const tables: Record<string, [number, number]> = { 'embed.ngram': [ROWS, 32], 'intent.sparse': [ROWS, 5] };
const config = { ...SMALL_CONFIG, ngramBuckets: ROWS, sparseBuckets: ROWS, width: 32, heads: 2 };
const weights = Object.fromEntries(
  Object.entries(tables).map(([name, [rows, cols]]) => {
    const values = new Float32Array(rows * cols).map(() => normal(random) * 0.3);
    values.fill(0, 0, cols);
    return [name, values];
  }),
);
const ids = Int32Array.from({ length: 12 }, (_, i) => (i * 7) % ROWS);

/** The model's rows for `ids`, run by onnxruntime-node and -web, and what the quantised table holds. */
async function lookedUp(name: string, precision: Precision, perRow: boolean) {
  const g = new GraphBuilder();
  const input = g.input('ids', 'int32', [ids.length]);
  const w = weightOps(g, config, weights, true, [], precision);
  g.node('Identity', [w.lookup(name, input)], {}, 'rows');
  g.output('rows', 'float32', [ids.length, tables[name]![1]]);
  const bytes = g.toBytes({ graphName: 'lookup' });
  const [rows, cols] = tables[name]!;
  const limit = limitOfBits(precision.tableBits?.[name] ?? 8);
  const fit = limit < 127 ? (precision.fit ?? 'error') : 'max';
  const half = (scale: number) => fromFloat16(toFloat16(Float32Array.of(scale)))[0]!;
  const { values, scales } = perRow
    ? quantizePerRow(weights[name]!, rows, cols, limit, fit, precision.halfRowScales ? half : undefined)
    : quantizePerColumn(weights[name]!, rows, cols, limit, fit);
  const expected = new Float32Array(ids.length * cols);
  ids.forEach((id, i) => {
    for (let c = 0; c < cols; c++) expected[i * cols + c] = values[id * cols + c]! * scales[perRow ? id : c]!;
  });
  const results = [];
  for (const ort of [ortNode, ortWeb] as const) {
    const session = await ort.InferenceSession.create(bytes, ort === ortWeb ? { executionProviders: ['wasm'] } : {});
    const out = await session.run({ ids: new ort.Tensor('int32', ids, [ids.length]) });
    results.push(out.rows!.data as Float32Array);
    await session.release();
  }
  return { results, expected, bytes, limit };
}

// The first onnxruntime-web session compiles its wasm: seconds on a busy machine.
describe('quantised lookups with fewer bits', { timeout: 60_000 }, () => {
  for (const [bits, halfRowScales] of [[8, false], [5, false], [4, false], [4, true]] as const) {
    it(`${bits} bits${halfRowScales ? ', float16 row scales' : ''}: the wide table's rows are its values times their row scale, in onnxruntime-node and -web${bits === 4 ? ' (two values a byte)' : ''}`, async () => {
      const { results, expected, limit } = await lookedUp('embed.ngram', { tableBits: { 'embed.ngram': bits }, halfRowScales }, true);
      for (const got of results) {
        for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 6);
      }
      // Within the grid's reach of the float values (the fitted scale may clip a little).
      const [, cols] = tables['embed.ngram']!;
      ids.forEach((id, i) => {
        const row = weights['embed.ngram']!.subarray(id * cols, (id + 1) * cols);
        const max = Math.max(...row.map(Math.abs));
        for (let c = 0; c < cols; c++) expect(Math.abs(results[0]![i * cols + c]! - row[c]!)).toBeLessThanOrEqual(max / limit + 1e-6);
      });
    });
  }

  it('4 bits: the wide table is stored as uint8 with half the columns; the narrow one (odd width) one value a byte', async () => {
    const wide = await lookedUp('embed.ngram', { tableBits: { 'embed.ngram': 4 } }, true);
    const narrow = await lookedUp('intent.sparse', { tableBits: { 'intent.sparse': 4 } }, false);
    for (const got of narrow.results) for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(narrow.expected[i]!, 6);
    const stored = (bytes: Uint8Array, name: string) => {
      const tensor = onnxProto.onnx.ModelProto.decode(bytes).graph!.initializer!.find((t) => t.name === name)!;
      return { dataType: tensor.dataType, dims: tensor.dims!.map(Number), bytes: tensor.rawData!.length };
    };
    const DataType = onnxProto.onnx.TensorProto.DataType;
    expect(stored(wide.bytes, 'embed.ngram')).toEqual({ dataType: DataType.UINT8, dims: [ROWS, 16], bytes: ROWS * 16 });
    expect(stored(narrow.bytes, 'intent.sparse')).toEqual({ dataType: DataType.INT8, dims: [ROWS, 5], bytes: ROWS * 5 });
  });
});
