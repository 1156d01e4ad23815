/**
 * Symmetric quantisation (zero point 0) with one scale per column or per row. Values use [-limit, limit]
 * so that negation stays representable and the grid is the same on both sides of zero. A table stored
 * with fewer levels than int8 holds (see ExportOptions.tableBits) is still written one value a byte,
 * or two to a byte at 4 bits (packNibbles).
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

/** The largest magnitude of a symmetric grid of `bits` bits (2-8): 127 at 8 bits, 7 at 4. */
export function limitOfBits(bits: number): number {
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new Error(`quantisation needs 2 to 8 bits, got ${bits}`);
  return 2 ** (bits - 1) - 1;
}

/** One scale per column: the output channel of x @ W for a weight W [rows, cols] (`fit` as for quantizePerRow). */
export function quantizePerColumn(matrix: Float32Array, rows: number, cols: number, limit = MATMUL_WEIGHT_LIMIT, fit: 'max' | 'error' = 'max'): QuantizedMatrix {
  checkSize(matrix, rows, cols);
  const scales = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let max = 0;
    for (let i = 0; i < rows; i++) max = Math.max(max, Math.abs(matrix[i * cols + j]!));
    scales[j] = fit === 'error' ? fittedScale(max, limit, (scale) => {
      let error = 0;
      for (let i = 0; i < rows; i++) error += squaredError(matrix[i * cols + j]!, scale, limit);
      return error;
    }) : max / limit;
  }
  return { values: quantizeWith(matrix, rows, cols, (_i, j) => scales[j]!, limit), scales };
}

/**
 * Shrinking a scale below max / limit clips the largest values and rounds the rest more finely;
 * `fit: 'error'` picks, per row or column, the scale among these factors with the least squared error
 * (at 4 bits the maximum wastes most of the grid on one outlier).
 */
const SCALE_FACTORS = [1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5];

/**
 * One scale per row: one embedding vector of a lookup table [rows, cols]. `stored` is what the file
 * keeps of a scale (e.g. its float16 rounding): the values are quantised against that.
 */
export function quantizePerRow(matrix: Float32Array, rows: number, cols: number, limit = INT8_LIMIT, fit: 'max' | 'error' = 'max', stored: (scale: number) => number = (scale) => scale): QuantizedMatrix {
  checkSize(matrix, rows, cols);
  const scales = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = matrix.subarray(i * cols, (i + 1) * cols);
    let max = 0;
    for (const value of row) max = Math.max(max, Math.abs(value));
    scales[i] = stored(fit === 'error' ? fittedScale(max, limit, (scale) => row.reduce((error, value) => error + squaredError(value, scale, limit), 0)) : max / limit);
  }
  return { values: quantizeWith(matrix, rows, cols, (i) => scales[i]!, limit), scales };
}

/** The scale among SCALE_FACTORS x max / limit with the least `error` (0 for an all-zero row or column). */
function fittedScale(max: number, limit: number, error: (scale: number) => number): number {
  if (max === 0) return 0;
  let best = Infinity;
  let chosen = max / limit;
  for (const factor of SCALE_FACTORS) {
    const scale = (max / limit) * factor;
    const e = error(scale);
    if (e < best) {
      best = e;
      chosen = scale;
    }
  }
  return chosen;
}

function squaredError(value: number, scale: number, limit: number): number {
  return (Math.max(-limit, Math.min(limit, Math.round(value / scale))) * scale - value) ** 2;
}

/** Offset of a 4-bit value in its nibble: [-7, 7] is stored as [1, 15]. */
export const NIBBLE_OFFSET = 8;

/**
 * Two 4-bit values to a byte: column j of a row in the low nibble and column j + cols/2 in the high
 * one, each plus NIBBLE_OFFSET; [rows, cols/2]. Unpacked, the low nibbles then the high ones are the
 * row in order, so the graph needs no interleaving.
 */
export function packNibbles(values: Int8Array, rows: number, cols: number): Uint8Array {
  if (cols % 2 !== 0) throw new Error(`packing two values a byte needs an even number of columns, got ${cols}`);
  if (values.length !== rows * cols) throw new Error(`expected ${rows}x${cols} values, got ${values.length}`);
  const half = cols / 2;
  const packed = new Uint8Array(rows * half);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < half; j++) {
      const low = values[i * cols + j]! + NIBBLE_OFFSET;
      const high = values[i * cols + j + half]! + NIBBLE_OFFSET;
      if (low < 0 || low > 15 || high < 0 || high > 15) throw new Error(`row ${i} holds a value outside 4 bits`);
      packed[i * half + j] = low | (high << 4);
    }
  }
  return packed;
}

/**
 * float32 -> IEEE half-precision bits, rounding to the nearest (ties to even); subnormals kept, values
 * beyond the half range become infinite. Used for the tables' scales: their rounding (2^-11 relative)
 * is far below a 4- or 8-bit step.
 */
export function toFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const half = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i]!;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    const mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      half[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) half[i] = sign | 0x7c00;
    else if (e <= 0) {
      // Subnormal (or zero): the implicit bit joins the mantissa, shifted into place with rounding.
      if (e < -10) half[i] = sign;
      else half[i] = sign | roundShift(mantissa | 0x800000, 14 - e);
    } else half[i] = sign | ((e << 10) + roundShift(mantissa, 13)); // a carry out of the mantissa bumps the exponent, as it should
  }
  return half;
}

/** IEEE half-precision bits -> float32 values (the inverse of toFloat16 on its outputs). */
export function fromFloat16(half: Uint16Array): Float32Array {
  return Float32Array.from(half, (h) => {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) return sign * mantissa * 2 ** -24;
    if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
    return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  });
}

/** value >> shift, rounded to the nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value - kept * 2 ** shift;
  const halfway = 2 ** (shift - 1);
  return rest > halfway || (rest === halfway && kept & 1) ? kept + 1 : kept;
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
