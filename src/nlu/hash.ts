/** FNV-1a over UTF-16 code units: the same bucket in Node and in every browser, and cheap. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A bucket in [1, buckets): bucket 0 is reserved for padding. */
export function bucketOf(feature: string, buckets: number): number {
  return 1 + (fnv1a(feature) % (buckets - 1));
}
