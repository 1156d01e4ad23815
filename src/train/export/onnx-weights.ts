/**
 * How the graph stores and applies the spec's weights: as float32, or with int8 matrices and tables.
 * Either way each weight becomes an initializer under its spec name (int8 weights add `<name>.scale`).
 *
 * int8: a matrix W [in, out] is quantised per output column and applied as
 *   DynamicQuantizeLinear(x) -> MatMulInteger(x_uint8, W_int8, x_zero) -> Cast -> Mul(x_scale * W_scale)
 * and a lookup table per row, applied as Cast(Gather(table_int8, ids)) * Gather(row_scales, ids).
 * Matrices are not dequantised in front of a float MatMul (the QDQ form): that is slower in
 * onnxruntime-web and gets rewritten by onnxruntime-node's optimiser, so Node and browser would disagree.
 * A table may use fewer bits (Precision.tableBits): below 8 it is still one value a byte (the file
 * compresses by what the values no longer hold), and at 4 bits two values share a byte (uint8), unpacked
 * after the Gather with Floor and Sub, so only the gathered rows are ever unpacked.
 */
import { weightShapes, type ModelConfig, type Weights } from '../../nlu/model-spec';
import type { GraphBuilder } from './onnx-builder';
import { fromFloat16, limitOfBits, MATMUL_WEIGHT_LIMIT, NIBBLE_OFFSET, packNibbles, quantizePerColumn, quantizePerRow, toFloat16 } from './quantize';

export interface Precision {
  /** Bits per value of a lookup table, by name (default 8). */
  tableBits?: Readonly<Record<string, number>>;
  /** Bits of the matmul weights (default and most: 7, see MATMUL_WEIGHT_LIMIT). */
  matmulBits?: number;
  /** How the scales of a table with fewer than 8 bits are chosen (quantizePerRow's `fit`; default 'error'). */
  fit?: 'max' | 'error';
  /**
   * Store a wide table's row scales as float16 (cast to float32 in the graph): half the bytes of a
   * scale per row, which weigh as much as a 4-bit table's values packed in eight bytes.
   */
  halfRowScales?: boolean;
}

export interface WeightOps {
  /** A weight kept as float32 (biases, norms). */
  tensor(name: string): string;
  /** A float constant stored int8 per row when quantising, dequantised once when the session loads. */
  constant(name: string): string;
  /** value [..., in] @ weight [in, out]. */
  matMul(value: string, name: string): string;
  /** value [..., in] @ weight [in, out] in float32, the weight stored int8 when quantising (for inputs that are table rows, not activations). */
  floatMatMul(value: string, name: string): string;
  /** Rows of the table `name` for every id: [...ids, cols]. */
  lookup(name: string, ids: string): string;
}

const roundToFloat16 = (scale: number) => fromFloat16(toFloat16(Float32Array.of(scale)))[0]!;

/** Tables at least this wide get a scale per row (an embedding vector each); narrower ones per column. */
const PER_ROW_MIN_COLS = 32;

/** `derived`: weights computed at export that are not in the spec (e.g. the folded token table). */
export function weightOps(graph: GraphBuilder, config: ModelConfig, weights: Weights, quantize: boolean, derived: Array<[string, number[]]> = [], precision: Precision = {}): WeightOps {
  const shapes = new Map([...weightShapes(config), ...derived]);
  const shapeOf = (name: string): number[] => {
    const shape = shapes.get(name);
    const values = weights[name];
    if (!shape || !values) throw new Error(`no weight named ${name}`);
    return shape;
  };
  const matrixShape = (name: string): [rows: number, cols: number] => {
    const shape = shapeOf(name);
    if (shape.length !== 2) throw new Error(`weight ${name} is not a matrix`);
    return [shape[0]!, shape[1]!];
  };
  const tensor = (name: string) => graph.initializer(name, shapeOf(name), weights[name]!);
  if (!quantize) {
    return {
      tensor,
      constant: tensor,
      matMul: (value, name) => graph.node('MatMul', [value, tensor(name)]),
      floatMatMul: (value, name) => graph.node('MatMul', [value, tensor(name)]),
      lookup: (name, ids) => graph.node('Gather', [tensor(name), ids], { axis: 0 }),
    };
  }
  const matmulLimit = Math.min(MATMUL_WEIGHT_LIMIT, limitOfBits(precision.matmulBits ?? 7));
  const fit = precision.fit ?? 'error';
  const mul = (a: string, b: string) => graph.node('Mul', [a, b]);
  /** uint8 [..., cols/2] of packed nibbles -> float [..., cols] of the signed 4-bit values. */
  const unpackNibbles = (bytes: string) => {
    const value = graph.cast(bytes, 'float32');
    const high = graph.node('Floor', [mul(value, graph.scalar(1 / 16))]);
    const low = graph.node('Sub', [value, mul(high, graph.scalar(16))]);
    return graph.node('Sub', [graph.node('Concat', [low, high], { axis: -1 }), graph.scalar(NIBBLE_OFFSET)]);
  };
  /** An int8 matrix per column, as float32: Cast and Mul on initializers only, folded when the session loads. */
  const dequantizedColumns = (name: string) => {
    const [rows, cols] = matrixShape(name);
    const { values, scales } = quantizePerColumn(weights[name]!, rows, cols, 127);
    return mul(graph.cast(graph.initializer(name, [rows, cols], values), 'float32'), graph.initializer(`${name}.scale`, [cols], scales));
  };
  return {
    tensor,
    constant(name) {
      const shape = shapeOf(name);
      if (shape.length !== 2 || shape[1]! < PER_ROW_MIN_COLS) return tensor(name);
      const [rows, cols] = matrixShape(name);
      const { values, scales } = quantizePerRow(weights[name]!, rows, cols);
      return mul(graph.cast(graph.initializer(name, [rows, cols], values), 'float32'), graph.initializer(`${name}.scale`, [rows, 1], scales));
    },
    matMul(value, name) {
      const [rows, cols] = matrixShape(name);
      const { values, scales } = quantizePerColumn(weights[name]!, rows, cols, matmulLimit);
      const weight = graph.initializer(name, [rows, cols], values);
      const weightScale = graph.initializer(`${name}.scale`, [cols], scales);
      const [quantized, scale, zeroPoint] = graph.nodeWithOutputs('DynamicQuantizeLinear', [value], 3);
      const product = graph.node('MatMulInteger', [quantized!, weight, zeroPoint!]);
      return mul(graph.cast(product, 'float32'), mul(scale!, weightScale));
    },
    floatMatMul: (value, name) => graph.node('MatMul', [value, dequantizedColumns(name)]),
    lookup(name, ids) {
      const [rows, cols] = matrixShape(name);
      const bits = precision.tableBits?.[name] ?? 8;
      const limit = limitOfBits(bits);
      const packed = bits <= 4 && cols % 2 === 0;
      const stored = (values: Int8Array) =>
        packed ? graph.initializer(name, [rows, cols / 2], packNibbles(values, rows, cols)) : graph.initializer(name, [rows, cols], values);
      const gathered = (table: string) => {
        const rowsOfIds = graph.node('Gather', [table, ids], { axis: 0 });
        return packed ? unpackNibbles(rowsOfIds) : graph.cast(rowsOfIds, 'float32');
      };
      if (cols < PER_ROW_MIN_COLS) {
        // A narrow table (a sparse path's [buckets x classes]): a float scale per row would weigh more
        // than the row itself, so one scale per column (per class).
        const { values, scales } = quantizePerColumn(weights[name]!, rows, cols, limit, bits < 8 ? fit : 'max');
        return mul(gathered(stored(values)), graph.initializer(`${name}.scale`, [cols], scales));
      }
      const { values, scales } = quantizePerRow(weights[name]!, rows, cols, limit, bits < 8 ? fit : 'max', precision.halfRowScales ? roundToFloat16 : undefined);
      const table = stored(values);
      // [rows, 1], so the gathered scales [...ids, 1] broadcast over each row.
      const rowScales = precision.halfRowScales
        ? graph.cast(graph.initializer(`${name}.scale`, [rows, 1], toFloat16(scales)), 'float32')
        : graph.initializer(`${name}.scale`, [rows, 1], scales);
      return mul(gathered(table), graph.node('Gather', [rowScales, ids], { axis: 0 }));
    },
  };
}
