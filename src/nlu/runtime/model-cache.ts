/**
 * The model and the runtime's .wasm are cached across visits with the Cache API, keyed by URL and
 * checked against a known SHA-256 (the bundle's for the model, the build's for the runtime), so a new
 * file is fetched again and a corrupt or mismatched copy is never used. Going through the Cache API
 * rather than the HTTP cache means a returning visitor fetches nothing, whatever the site's headers.
 */
const CACHE_NAME = 'parley-models-v1';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function fetchVerified(url: string, expectedSha256: string, fetchImpl: typeof fetch = fetch): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cache = typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME).catch(() => null);
  const cached = await cache?.match(url).catch(() => undefined);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    if ((await sha256Hex(bytes)) === expectedSha256) return { bytes, fromCache: true };
    await cache?.delete(url);
  }
  const response = await fetchImpl(url);
  if (!response.ok) throw new ModelFetchError(`GET ${url} answered ${response.status} ${response.statusText}`.trim());
  const bytes = new Uint8Array(await response.arrayBuffer());
  const actual = await sha256Hex(bytes);
  if (actual !== expectedSha256) throw new ModelCorruptError(`${url} is not the expected file (sha256 ${actual.slice(0, 12)}…, expected ${expectedSha256.slice(0, 12)}…)`);
  await cache?.put(url, new Response(bytes.slice(), { headers: { 'Content-Type': 'application/octet-stream' } })).catch(() => undefined);
  return { bytes, fromCache: false };
}

/** Forgets every cached model and runtime (the visitor's "forget me"). */
export async function clearModelCache(): Promise<void> {
  if (typeof caches !== 'undefined') await caches.delete(CACHE_NAME);
}

export class ModelFetchError extends Error {}
export class ModelCorruptError extends Error {}
