/**
 * The model and the runtime's .wasm are cached across visits with the Cache API, keyed by URL and
 * checked against a known SHA-256 (the bundle's for the model, the build's for the runtime), so a new
 * file is fetched again and a corrupt or mismatched copy is never used. Going through the Cache API
 * rather than the HTTP cache means a returning visitor fetches nothing, whatever the site's headers.
 *
 * The cache is only a shortcut: when it refuses (private mode, a full quota, a sandboxed frame, a
 * broken entry) the file comes from the network as on a first visit.
 */
const CACHE_NAME = 'parley-models-v1';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The page's CacheStorage, or null where there is none (an insecure page; reading it throws in a sandboxed frame). */
function cacheStorage(): CacheStorage | null {
  try {
    return typeof caches === 'undefined' ? null : caches;
  } catch {
    return null;
  }
}

/** Runs a cache operation; a refusal, synchronous or not, reads as `fallback`. */
async function tryCache<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await operation();
  } catch {
    return fallback;
  }
}

export async function fetchVerified(url: string, expectedSha256: string, fetchImpl: typeof fetch = fetch): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const storage = cacheStorage();
  const cache = storage && (await tryCache(() => storage.open(CACHE_NAME), null));
  if (cache) {
    const cached = await tryCache(async () => {
      const response = await cache.match(url);
      return response ? new Uint8Array(await response.arrayBuffer()) : null;
    }, null);
    if (cached && (await sha256Hex(cached)) === expectedSha256) return { bytes: cached, fromCache: true };
    // A stale copy goes, so a failed download leaves no wrong file behind (a good one replaces it below).
    if (cached) await tryCache(() => cache.delete(url), false);
  }

  const bytes = await download(url, fetchImpl);
  const actual = await sha256Hex(bytes);
  if (actual !== expectedSha256) throw new ModelCorruptError(`${url} is not the expected file (sha256 ${actual.slice(0, 12)}…, expected ${expectedSha256.slice(0, 12)}…)`);
  if (cache) await tryCache(() => cache.put(url, new Response(bytes.slice(), { headers: { 'Content-Type': 'application/octet-stream' } })), undefined);
  return { bytes, fromCache: false };
}

/** The file's bytes from the network; every failure names the file. */
async function download(url: string, fetchImpl: typeof fetch): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (error) {
    throw new ModelFetchError(`GET ${url} failed: ${String(error)}`, { cause: error });
  }
  if (!response.ok) throw new ModelFetchError(`GET ${url} answered ${response.status} ${response.statusText}`.trim());
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new ModelFetchError(`GET ${url} failed: ${String(error)}`, { cause: error });
  }
}

/**
 * Forgets every cached model and runtime (the visitor's "forget me"). Rejects when the Cache API
 * refuses, so the caller can say the files may still be there; a page without it has nothing cached.
 */
export async function clearModelCache(): Promise<void> {
  const storage = cacheStorage();
  if (!storage) return;
  try {
    await storage.delete(CACHE_NAME);
  } catch (error) {
    throw new Error(`the cached language model could not be deleted: ${String(error)}`, { cause: error });
  }
}

export class ModelFetchError extends Error {}
export class ModelCorruptError extends Error {}
