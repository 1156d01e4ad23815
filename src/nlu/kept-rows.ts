/**
 * Hashed feature tables keep only the rows training moved. A bot's examples reach a fraction of the
 * hash buckets (the demo bot: about a third of the character n-gram buckets); the other rows are
 * still all zero after training, so the exporter drops them and the bundle records which buckets it
 * kept as a bitset. The featurizer maps each bucket to its row in the smaller table, and a dropped
 * bucket to row 0, the all-zero padding row: the same sums as with the whole table.
 */

/** Which hashed tables a bundle has compacted, each a base64 bitset over the featurizer's buckets. */
export interface KeptRows {
  /** `embed.ngram`, over `ngramBuckets`. */
  ngrams?: string;
  /** `intent.sparse`, over `sparseBuckets`. */
  sparse?: string;
  /** `entity.sparse`, over `tokenFeatureBuckets`. */
  tokenFeatures?: string;
}

/**
 * Each hashed table: its bitset in KeptRows, the config field that counts its rows (the featurizer's
 * field of the same name counts its buckets), and its weight.
 */
export const HASHED_TABLES = [
  { kept: 'ngrams', rows: 'ngramBuckets', weight: 'embed.ngram' },
  { kept: 'sparse', rows: 'sparseBuckets', weight: 'intent.sparse' },
  { kept: 'tokenFeatures', rows: 'tokenFeatureBuckets', weight: 'entity.sparse' },
] as const;

/** Bucket -> row of the compacted table: kept buckets in order from row 1, dropped ones to 0. */
export function rowsOfBuckets(bitset: string, buckets: number): Int32Array {
  const bits = bytesOfBase64(bitset);
  if (bits.length !== Math.ceil(buckets / 8)) throw new Error(`a kept-rows bitset of ${bits.length} bytes for ${buckets} buckets`);
  const rows = new Int32Array(buckets);
  let next = 1;
  for (let bucket = 1; bucket < buckets; bucket++) {
    if (bits[bucket >> 3]! & (1 << (bucket & 7))) rows[bucket] = next++;
  }
  return rows;
}

/** Rows of the compacted table: the kept buckets plus the padding row. */
export function keptRowCount(bitset: string, buckets: number): number {
  const rows = rowsOfBuckets(bitset, buckets);
  let highest = 0;
  for (const row of rows) highest = Math.max(highest, row);
  return highest + 1;
}

export function bitsetOf(kept: (bucket: number) => boolean, buckets: number): string {
  const bits = new Uint8Array(Math.ceil(buckets / 8));
  for (let bucket = 1; bucket < buckets; bucket++) if (kept(bucket)) bits[bucket >> 3]! |= 1 << (bucket & 7);
  return base64OfBytes(bits);
}

// btoa/atob exist in browsers, workers and Node alike; they work on binary strings.
export function base64OfBytes(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function bytesOfBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
