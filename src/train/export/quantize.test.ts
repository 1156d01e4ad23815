import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { normal } from './fixtures';
import { fromFloat16, limitOfBits, MATMUL_WEIGHT_LIMIT, packNibbles, quantizePerColumn, quantizePerRow, toFloat16 } from './quantize';

const rows = 9;
const cols = 7;
const random = seededRandom(3);
const matrix = new Float32Array(rows * cols).map(() => normal(random) * 0.2);
matrix.fill(0, 0, cols); // a zero row, like a padding row
for (let i = 0; i < rows; i++) matrix[i * cols + 2] = 0; // and a zero column

describe('quantizePerColumn', () => {
  const { values, scales } = quantizePerColumn(matrix, rows, cols);

  it('uses one scale per column with the column maximum at the 7-bit limit (+-63)', () => {
    expect(scales).toHaveLength(cols);
    expect(scales[2]).toBe(0);
    for (let j = 0; j < cols; j++) {
      if (j === 2) continue;
      const column = Array.from({ length: rows }, (_, i) => values[i * cols + j]!);
      expect(Math.max(...column.map(Math.abs))).toBe(MATMUL_WEIGHT_LIMIT);
    }
  });

  it('reconstructs every value within half a step', () => {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const error = Math.abs(values[i * cols + j]! * scales[j]! - matrix[i * cols + j]!);
        expect(error).toBeLessThanOrEqual(scales[j]! / 2 + 1e-9);
      }
    }
  });
});

describe('quantizePerRow', () => {
  const { values, scales } = quantizePerRow(matrix, rows, cols);

  it('keeps a zero row exactly zero, with scale 0', () => {
    expect(scales).toHaveLength(rows);
    expect(scales[0]).toBe(0);
    expect(Array.from(values.subarray(0, cols))).toEqual(new Array(cols).fill(0));
  });

  it('reconstructs every value within half a step of its row', () => {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const error = Math.abs(values[i * cols + j]! * scales[i]! - matrix[i * cols + j]!);
        expect(error).toBeLessThanOrEqual(scales[i]! / 2 + 1e-9);
      }
    }
  });

  it('rejects a size mismatch and non-finite values', () => {
    expect(() => quantizePerRow(matrix, rows, cols + 1)).toThrow();
    expect(() => quantizePerRow(new Float32Array([1, Number.NaN]), 1, 2)).toThrow();
  });
});

describe('fewer bits', () => {
  it('limitOfBits gives the symmetric grid of 2 to 8 bits', () => {
    expect([2, 4, 5, 8].map(limitOfBits)).toEqual([1, 7, 15, 127]);
    expect(() => limitOfBits(9)).toThrow();
    expect(() => limitOfBits(1)).toThrow();
  });

  it('a row scale fitted to the error clips outliers and reconstructs the row better than the row maximum', () => {
    const wide = 64;
    const heavy = new Float32Array(20 * wide).map(() => normal(random) * 0.1);
    for (let i = 0; i < 20; i++) heavy[i * wide] = 1; // one outlier per row
    const error = ({ values, scales }: { values: Int8Array; scales: Float32Array }) =>
      heavy.reduce((sum, value, k) => sum + (values[k]! * scales[Math.floor(k / wide)]! - value) ** 2, 0);
    const byMax = quantizePerRow(heavy, 20, wide, 7, 'max');
    const fitted = quantizePerRow(heavy, 20, wide, 7, 'error');
    expect(Math.max(...byMax.values.map(Math.abs))).toBe(7);
    expect(error(fitted)).toBeLessThan(error(byMax));
    expect(Math.max(...fitted.values.map(Math.abs))).toBeLessThanOrEqual(7);
    // A zero row stays zero either way.
    expect(quantizePerRow(new Float32Array(4), 1, 4, 7, 'error').scales[0]).toBe(0);
  });

  it('packNibbles puts column j in the low nibble and column j + cols/2 in the high one', () => {
    const values = Int8Array.from([-7, 0, 3, 7, 1, -1, 2, -2]); // two rows of 4
    const packed = packNibbles(values, 2, 4);
    expect(Array.from(packed)).toEqual([(-7 + 8) | ((3 + 8) << 4), 8 | ((7 + 8) << 4), (1 + 8) | ((2 + 8) << 4), (-1 + 8) | ((-2 + 8) << 4)]);
    expect(() => packNibbles(values, 1, 8 - 1)).toThrow();
    expect(() => packNibbles(Int8Array.from([9, 0]), 1, 2)).toThrow(/4 bits/);
  });
});

describe('float16', () => {
  it('rounds to the nearest half, ties to even, with subnormals, and reads it back', () => {
    const values = Float32Array.of(0, 1, -2, 0.1, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -24, 2 ** -26, 65504, 70000, 6.103515625e-5);
    expect(Array.from(toFloat16(values), (h) => h.toString(16))).toEqual(['0', '3c00', 'c000', '2e66', '3c00', '3c02', '1', '0', '7bff', '7c00', '400']);
    expect(Array.from(fromFloat16(toFloat16(values)))).toEqual([0, 1, -2, 0.0999755859375, 1, 1 + 2 ** -9, 2 ** -24, 0, 65504, Infinity, 6.103515625e-5]);
  });

  it('keeps a scale within 2^-11 of itself', () => {
    const scales = new Float32Array(200).map(() => Math.abs(normal(random)) * 0.01 + 1e-4);
    fromFloat16(toFloat16(scales)).forEach((half, i) => expect(Math.abs(half - scales[i]!) / scales[i]!).toBeLessThanOrEqual(2 ** -11));
  });
});
