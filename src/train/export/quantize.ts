/**
 * Symmetric int8 quantisation (zero point 0) with one scale per column or per row. Values use
 * [-127, 127] so that negation stays representable and the grid is the same on both sides of zero.
 */

export interface QuantizedMatrix {
  values: Int8Array; // [rows, cols], row-major, value ~ values * scale
  scales: Float32Array; // [cols] per column, or [rows] per row
}

const INT8_LIMIT = 127;
/**
 * Matmul weights use 7 bits: x86 kernels multiply uint8 activations by int8 weights and add pairs into
 * int16 with saturation (2 x 255 x 127 overflows; 2 x 255 x 63 does not), so full-range weights give
 * different results in onnxruntime-node than in the browser's WASM build.
 */
export const MATMUL_WEIGHT_LIMIT = 63;

/** One scale per column: the output channel of x @ W for a weight W [rows, cols]. */
export function quantizePerColumn(matrix: Float32Array, rows: number, cols: number, limit = MATMUL_WEIGHT_LIMIT): QuantizedMatrix {
  checkSize(matrix, rows, cols);
  const scales = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let max = 0;
    for (let i = 0; i < rows; i++) max = Math.max(max, Math.abs(matrix[i * cols + j]!));
    scales[j] = max / limit;
  }
  return { values: quantizeWith(matrix, rows, cols, (_i, j) => scales[j]!, limit), scales };
}

/** One scale per row: one embedding vector of a lookup table [rows, cols]. */
export function quantizePerRow(matrix: Float32Array, rows: number, cols: number): QuantizedMatrix {
  checkSize(matrix, rows, cols);
  const scales = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let max = 0;
    for (let j = 0; j < cols; j++) max = Math.max(max, Math.abs(matrix[i * cols + j]!));
    scales[i] = max / INT8_LIMIT;
  }
  return { values: quantizeWith(matrix, rows, cols, (i) => scales[i]!, INT8_LIMIT), scales };
}

function quantizeWith(matrix: Float32Array, rows: number, cols: number, scaleAt: (row: number, col: number) => number, limit: number): Int8Array {
  const values = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const scale = scaleAt(i, j);
      // An all-zero row or column (e.g. padding row 0) has scale 0 and stays exactly zero.
      const q = scale === 0 ? 0 : Math.round(matrix[i * cols + j]! / scale);
      values[i * cols + j] = Math.max(-limit, Math.min(limit, q));
    }
  }
  return values;
}

function checkSize(matrix: Float32Array, rows: number, cols: number): void {
  if (matrix.length !== rows * cols) throw new Error(`expected ${rows}x${cols} values, got ${matrix.length}`);
  if (!matrix.every(Number.isFinite)) throw new Error('cannot quantise a matrix with non-finite values');
}
