/**
 * TF.js ops with hand-written gradients for the WASM backend (see NLU facts): the built-in gradient of
 * `gather` needs a kernel WASM lacks (and its forward kernel is slow), and the built-in matMul
 * gradients use transpose flags that are an order of magnitude slower there than an explicit
 * transpose followed by a plain matMul.
 */
import * as tf from '@tensorflow/tfjs';

type TwoInputGradient = (a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
};

/** tf.customGrad for a two-input op, typed (its own typing takes a variadic untyped function). */
function customGrad2(f: TwoInputGradient): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

/**
 * Rows of `table` for every id, [...ids.shape, width]; the gradient scatters back into the table
 * (duplicates summed).
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  return tableLookup(table, ids, false);
}

/**
 * The sum of the rows of `table` named along the last axis of `ids`: ids [..., K] gives
 * [..., width] (a bag of n-gram or feature embeddings). Same as summing gatherRows over that axis,
 * without materialising the K rows.
 */
export function sumOfRows(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  return tableLookup(table, ids, true);
}

/**
 * The lookup runs in JavaScript over a copy of the table: the WASM gather kernel does index
 * arithmetic for every element and took ~40 ns per float (117 ms for 23,000 rows of 128), about
 * half of a training step; copying the table out and the rows in is ~10x faster. The gradient is a
 * scatterND, which the WASM backend runs fast.
 */
function tableLookup(table: tf.Tensor2D, ids: tf.Tensor, sumLastAxis: boolean): tf.Tensor {
  const [rows, width] = table.shape;
  const perGroup = sumLastAxis ? ids.shape[ids.rank - 1]! : 1;
  const groupShape = sumLastAxis ? ids.shape.slice(0, -1) : ids.shape;
  const op = customGrad2((tableArg: tf.Tensor, idsArg: tf.Tensor, save: tf.GradSaveFunc) => {
    const values = tableArg.dataSync() as Float32Array;
    const idValues = idsArg.dataSync() as Int32Array;
    const groups = idValues.length / perGroup;
    const out = new Float32Array(groups * width);
    for (let g = 0; g < groups; g++) {
      const target = g * width;
      for (let k = 0; k < perGroup; k++) {
        const id = idValues[g * perGroup + k]!;
        if (id < 0 || id >= rows) throw new RangeError(`row ${id} is outside a table of ${rows} rows`);
        const source = id * width;
        if (perGroup === 1) out.set(values.subarray(source, source + width), target);
        else for (let j = 0; j < width; j++) out[target + j]! += values[source + j]!;
      }
    }
    const flatIds = tf.reshape(idsArg, [-1, 1]);
    save([flatIds]);
    return {
      value: tf.tensor(out, [...groupShape, width]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [indices] = saved as [tf.Tensor2D];
        return [tf.scatterND(indices, repeatRows(dy, perGroup, width), table.shape), tf.zerosLike(idsArg)];
      },
    };
  });
  return op(table, ids);
}

/**
 * Every row of `dy` (as [-1, width]) `times` times in a row: each id of a bag receives the bag's
 * gradient. In JavaScript, as WASM's broadcast (a tile) is as slow as its gather.
 */
function repeatRows(dy: tf.Tensor, times: number, width: number): tf.Tensor2D {
  if (times === 1) return tf.reshape(dy, [-1, width]);
  const values = dy.dataSync() as Float32Array;
  const groups = values.length / width;
  const out = new Float32Array(groups * times * width);
  for (let g = 0; g < groups; g++) {
    const row = values.subarray(g * width, (g + 1) * width);
    for (let k = 0; k < times; k++) out.set(row, (g * times + k) * width);
  }
  return tf.tensor2d(out, [groups * times, width]);
}

/** x itself, with no gradient flowing back through it. */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((value: tf.Tensor) => ({ value: tf.clone(value), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor;
}

/** x [..., in] @ w [in, out] with gradients that transpose explicitly. */
export function dense(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
  const [inWidth, outWidth] = w.shape;
  const op = customGrad2((xArg: tf.Tensor, wArg: tf.Tensor, save: tf.GradSaveFunc) => {
    const x2 = tf.reshape(xArg, [-1, inWidth]);
    save([x2, wArg]);
    const y = tf.matMul(x2, wArg as tf.Tensor2D);
    return {
      value: tf.reshape(y, [...xArg.shape.slice(0, -1), outWidth]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedW] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dy2 = tf.reshape(dy, [-1, outWidth]) as tf.Tensor2D;
        const dx = tf.matMul(dy2, tf.transpose(savedW));
        const dw = tf.matMul(tf.transpose(savedX), dy2);
        return [tf.reshape(dx, xArg.shape), dw];
      },
    };
  });
  return op(x, w);
}

/** Batched a [..., m, k] @ b [..., k, n] with gradients that transpose explicitly. */
export function batchMatMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const swapLast = (t: tf.Tensor) => {
    const perm = t.shape.map((_, i) => i);
    const n = perm.length;
    [perm[n - 1], perm[n - 2]] = [perm[n - 2]!, perm[n - 1]!];
    return tf.transpose(t, perm);
  };
  const op = customGrad2((aArg: tf.Tensor, bArg: tf.Tensor, save: tf.GradSaveFunc) => {
    save([aArg, bArg]);
    return {
      value: tf.matMul(aArg as tf.Tensor3D, bArg as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedA, savedB] = saved as [tf.Tensor, tf.Tensor];
        return [tf.matMul(dy as tf.Tensor3D, swapLast(savedB) as tf.Tensor3D), tf.matMul(swapLast(savedA) as tf.Tensor3D, dy as tf.Tensor3D)];
      },
    };
  });
  return op(a, b);
}

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), as the ONNX graph computes it. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}
