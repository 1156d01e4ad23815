/**
 * How the graph stores and applies the spec's weights: as float32, or with int8 matrices and tables.
 * Either way each weight becomes an initializer under its spec name (int8 weights add `<name>.scale`).
 *
 * int8: a matrix W [in, out] is quantised per output column and applied as
 *   DynamicQuantizeLinear(x) -> MatMulInteger(x_uint8, W_int8, x_zero) -> Cast -> Mul(x_scale * W_scale)
 * and a lookup table per row, applied as Cast(Gather(table_int8, ids)) * Gather(row_scales, ids).
 * Matrices are not dequantised in front of a float MatMul (the QDQ form): that is slower in
 * onnxruntime-web and gets rewritten by onnxruntime-node's optimiser, so Node and browser would disagree.
 */
import { weightShapes, type ModelConfig, type Weights } from '../../nlu/model-spec';
import type { GraphBuilder } from './onnx-builder';
import { quantizePerColumn, quantizePerRow } from './quantize';

export interface WeightOps {
  /** A weight kept as float32 (biases, norms, positions). */
  tensor(name: string): string;
  /** value [..., in] @ weight [in, out]. */
  matMul(value: string, name: string): string;
  /** Rows of the table `name` for every id: [...ids, cols]. */
  lookup(name: string, ids: string): string;
}

/** `derived`: weights computed at export that are not in the spec (e.g. the folded token table). */
/** Tables at least this wide get a scale per row (an embedding vector each); narrower ones per column. */
const PER_ROW_MIN_COLS = 32;

export function weightOps(graph: GraphBuilder, config: ModelConfig, weights: Weights, quantize: boolean, derived: Array<[string, number[]]> = []): WeightOps {
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
      matMul: (value, name) => graph.node('MatMul', [value, tensor(name)]),
      lookup: (name, ids) => graph.node('Gather', [tensor(name), ids], { axis: 0 }),
    };
  }
  return {
    tensor,
    matMul(value, name) {
      const [rows, cols] = matrixShape(name);
      const { values, scales } = quantizePerColumn(weights[name]!, rows, cols);
      const weight = graph.initializer(name, [rows, cols], values);
      const weightScale = graph.initializer(`${name}.scale`, [cols], scales);
      const [quantized, scale, zeroPoint] = graph.nodeWithOutputs('DynamicQuantizeLinear', [value], 3);
      const product = graph.node('MatMulInteger', [quantized!, weight, zeroPoint!]);
      return graph.node('Mul', [graph.cast(product, 'float32'), graph.node('Mul', [scale!, weightScale])]);
    },
    lookup(name, ids) {
      const [rows, cols] = matrixShape(name);
      if (cols < PER_ROW_MIN_COLS) {
        // A narrow table (a sparse path's [buckets x classes]): a float scale per row would weigh more
        // than the row itself, so one scale per column (per class).
        const { values, scales } = quantizePerColumn(weights[name]!, rows, cols, 127);
        const table = graph.initializer(name, [rows, cols], values);
        const columnScales = graph.initializer(`${name}.scale`, [cols], scales);
        return graph.node('Mul', [graph.cast(graph.node('Gather', [table, ids], { axis: 0 }), 'float32'), columnScales]);
      }
      const { values, scales } = quantizePerRow(weights[name]!, rows, cols);
      const table = graph.initializer(name, [rows, cols], values);
      // [rows, 1], so the gathered scales [...ids, 1] broadcast over each row.
      const rowScales = graph.initializer(`${name}.scale`, [rows, 1], scales);
      const gathered = graph.cast(graph.node('Gather', [table, ids], { axis: 0 }), 'float32');
      return graph.node('Mul', [gathered, graph.node('Gather', [rowScales, ids], { axis: 0 })]);
    },
  };
}
