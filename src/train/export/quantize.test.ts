import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { normal } from './fixtures';
import { MATMUL_WEIGHT_LIMIT, quantizePerColumn, quantizePerRow } from './quantize';

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
