import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearModelCache, fetchVerified, ModelCorruptError, ModelFetchError } from './model-cache';

const URL_ = 'https://shop.example/models/acme/model.onnx';
const bytesOf = (text: string) => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const MODEL = bytesOf('onnx model of release 2: '.repeat(40));
const MODEL_SHA = hex(MODEL);
const OLDER_RELEASE = bytesOf('onnx model of release 1: '.repeat(40));
const PROXY_ERROR_PAGE = bytesOf('<html><body><h1>Access denied by the company proxy</h1></body></html>');
const TRUNCATED = MODEL.slice(0, MODEL.length / 2);

type Fault = 'open' | 'match' | 'read' | 'put' | 'delete' | 'clear';

/**
 * A CacheStorage with the browser's semantics that matter here: entries keyed by URL in named caches,
 * and a cache deleted from storage is gone for every later `open` (a Cache object opened before is
 * orphaned: what it is given afterwards is never served). Each fault makes one operation reject.
 */
function fakeCaches(faults: Partial<Record<Fault, Error>> = {}) {
  const named = new Map<string, Map<string, Uint8Array>>();
  const fail = (fault: Fault) => {
    if (faults[fault]) throw faults[fault];
  };
  const cacheOver = (entries: Map<string, Uint8Array>) => ({
    async match(request: RequestInfo | URL) {
      fail('match');
      const bytes = entries.get(String(request));
      if (!bytes) return undefined;
      if (faults.read) return { arrayBuffer: () => Promise.reject(faults.read) } as unknown as Response;
      return new Response(bytes.slice());
    },
    async put(request: RequestInfo | URL, response: Response) {
      fail('put');
      entries.set(String(request), new Uint8Array(await response.arrayBuffer()));
    },
    async delete(request: RequestInfo | URL) {
      fail('delete');
      return entries.delete(String(request));
    },
  });
  const storage = {
    async open(name: string) {
      fail('open');
      let entries = named.get(name);
      if (!entries) named.set(name, (entries = new Map()));
      return cacheOver(entries);
    },
    async delete(name: string) {
      fail('clear');
      return named.delete(name);
    },
  };
  /** What any cache holds for `url` (the tests do not depend on the cache's name). */
  const stored = (url: string) => [...named.values()].find((entries) => entries.has(url))?.get(url);
  return { storage, stored, named };
}

/** A network that answers each GET with the next of `bodies` (the last one again once they run out). */
function network(...bodies: Array<Uint8Array | Response>) {
  let served = 0;
  return vi.fn(async () => {
    const body = bodies[Math.min(served++, bodies.length - 1)]!;
    return body instanceof Response ? body : new Response(body.slice(), { status: 200 });
  });
}

/** The cache as a browser would have it after a visit that stored `bytes` under `url`. */
async function visited(caches: ReturnType<typeof fakeCaches>, bytes: Uint8Array) {
  vi.stubGlobal('caches', caches.storage);
  await fetchVerified(URL_, hex(bytes), network(bytes));
  expect(caches.stored(URL_)).toEqual(bytes);
}

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
const insecure = () => new DOMException('The operation is insecure.', 'SecurityError');

afterEach(() => void vi.unstubAllGlobals());

describe('model cache: the bytes match the bundle, or they are not used', () => {
  it('a returning visitor gets the model from the cache without a request', async () => {
    const caches = fakeCaches();
    await visited(caches, MODEL);
    const fetchImpl = network(MODEL);
    await expect(fetchVerified(URL_, MODEL_SHA, fetchImpl)).resolves.toEqual({ bytes: MODEL, fromCache: true });
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('a cached copy that does not match is deleted and fetched again; the fresh copy is used and cached', async () => {
    const caches = fakeCaches();
    await visited(caches, OLDER_RELEASE);
    const fetchImpl = network(MODEL);
    const loaded = await fetchVerified(URL_, MODEL_SHA, fetchImpl);
    expect(loaded).toEqual({ bytes: MODEL, fromCache: false });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(caches.stored(URL_)).toEqual(MODEL);
    // The next visit is served the fresh copy from the cache.
    const again = network(MODEL);
    await expect(fetchVerified(URL_, MODEL_SHA, again)).resolves.toEqual({ bytes: MODEL, fromCache: true });
    expect(again).not.toHaveBeenCalled();
  });

  it.each([
    ["a proxy's error page", PROXY_ERROR_PAGE],
    ['a truncated file', TRUNCATED],
    ['an older release', OLDER_RELEASE],
  ])('%s is refused with the file and both hashes named, is not cached, and the next load asks the network again', async (_what, wrong) => {
    const caches = fakeCaches();
    vi.stubGlobal('caches', caches.storage);
    const fetchImpl = network(wrong, MODEL);
    const refused = await fetchVerified(URL_, MODEL_SHA, fetchImpl).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ModelCorruptError);
    const { message } = refused as Error;
    expect(message).toContain(URL_);
    expect(message).toContain(hex(wrong).slice(0, 12));
    expect(message).toContain(MODEL_SHA.slice(0, 12));
    expect(caches.stored(URL_)).toBeUndefined();

    await expect(fetchVerified(URL_, MODEL_SHA, fetchImpl)).resolves.toEqual({ bytes: MODEL, fromCache: false });
    expect(fetchImpl).toHaveBeenCalledTimes(2);
    expect(caches.stored(URL_)).toEqual(MODEL);
  });

  it('a refused download does not evict a good copy cached for another file', async () => {
    const caches = fakeCaches();
    await visited(caches, MODEL);
    const other = 'https://shop.example/ort/ort-wasm-simd-threaded.wasm';
    await expect(fetchVerified(other, hex(bytesOf('runtime')), network(PROXY_ERROR_PAGE))).rejects.toBeInstanceOf(ModelCorruptError);
    expect(caches.stored(URL_)).toEqual(MODEL);
    expect(caches.stored(other)).toBeUndefined();
  });

  it('an answer that is not 200 is a fetch error naming the file and the status, and is not cached', async () => {
    const caches = fakeCaches();
    vi.stubGlobal('caches', caches.storage);
    const refused = fetchVerified(URL_, MODEL_SHA, network(new Response('gone', { status: 404, statusText: 'Not Found' })));
    await expect(refused).rejects.toBeInstanceOf(ModelFetchError);
    await expect(refused).rejects.toThrow(`GET ${URL_} answered 404 Not Found`);
    expect(caches.stored(URL_)).toBeUndefined();
  });

  it('a network that fails, or a body cut off mid-download, is a fetch error that names the file', async () => {
    vi.stubGlobal('caches', fakeCaches().storage);
    const offline = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    const failed = fetchVerified(URL_, MODEL_SHA, offline);
    await expect(failed).rejects.toBeInstanceOf(ModelFetchError);
    await expect(failed).rejects.toThrow(`GET ${URL_} failed: TypeError: Failed to fetch`);

    const cutOff = { ok: true, status: 200, statusText: 'OK', arrayBuffer: () => Promise.reject(new TypeError('network error')) } as unknown as Response;
    const midway = fetchVerified(URL_, MODEL_SHA, vi.fn(async () => cutOff));
    await expect(midway).rejects.toBeInstanceOf(ModelFetchError);
    await expect(midway).rejects.toThrow(`GET ${URL_} failed: TypeError: network error`);
  });
});

describe('model cache: a cache that fails never stops the model from loading', () => {
  it.each<[string, Partial<Record<Fault, Error>>]>([
    ['open rejects (private mode)', { open: insecure() }],
    ['match rejects', { match: new DOMException('Unexpected internal error.', 'UnknownError') }],
    ['put rejects (quota)', { put: quota() }],
    ['every operation rejects', { open: insecure(), match: insecure(), put: quota(), delete: insecure() }],
  ])('%s: the model comes from the network', async (_what, faults) => {
    vi.stubGlobal('caches', fakeCaches(faults).storage);
    const fetchImpl = network(MODEL);
    await expect(fetchVerified(URL_, MODEL_SHA, fetchImpl)).resolves.toEqual({ bytes: MODEL, fromCache: false });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it('a cached copy that cannot be read is a miss: the model comes from the network', async () => {
    // Stored on an earlier visit; reading its body now fails (an entry evicted while it is read).
    await visited(fakeCaches({ read: new DOMException('The cache entry could not be read.', 'NotReadableError') }), MODEL);
    const fetchImpl = network(MODEL);
    await expect(fetchVerified(URL_, MODEL_SHA, fetchImpl)).resolves.toEqual({ bytes: MODEL, fromCache: false });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it('a stale copy that cannot be deleted does not stop the fresh one from loading', async () => {
    const caches = fakeCaches({ delete: new DOMException('Unexpected internal error.', 'UnknownError') });
    await visited(caches, OLDER_RELEASE);
    const fetchImpl = network(MODEL);
    await expect(fetchVerified(URL_, MODEL_SHA, fetchImpl)).resolves.toEqual({ bytes: MODEL, fromCache: false });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it('a page where reading `caches` throws (a sandboxed frame) loads the model from the network', async () => {
    Object.defineProperty(globalThis, 'caches', {
      configurable: true,
      get() {
        throw insecure();
      },
    });
    try {
      const fetchImpl = network(MODEL);
      await expect(fetchVerified(URL_, MODEL_SHA, fetchImpl)).resolves.toEqual({ bytes: MODEL, fromCache: false });
      await expect(clearModelCache()).resolves.toBeUndefined();
    } finally {
      Reflect.deleteProperty(globalThis, 'caches');
    }
  });

  it('without the Cache API (an insecure page) the model comes from the network and there is nothing to clear', async () => {
    vi.stubGlobal('caches', undefined);
    await expect(fetchVerified(URL_, MODEL_SHA, network(MODEL))).resolves.toEqual({ bytes: MODEL, fromCache: false });
    await expect(clearModelCache()).resolves.toBeUndefined();
  });
});

describe('model cache: forgetting', () => {
  it('clearModelCache deletes the cache, and nothing is served from it afterwards', async () => {
    const caches = fakeCaches();
    await visited(caches, MODEL);
    await clearModelCache();
    expect(caches.named.size).toBe(0);
    const fetchImpl = network(MODEL);
    await expect(fetchVerified(URL_, MODEL_SHA, fetchImpl)).resolves.toEqual({ bytes: MODEL, fromCache: false });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it('clearModelCache rejects with a clear error when the Cache API refuses, so "forget me" knows', async () => {
    const caches = fakeCaches({ clear: insecure() });
    await visited(caches, MODEL);
    const cleared = clearModelCache();
    await expect(cleared).rejects.toThrow(/the cached language model could not be deleted: SecurityError: The operation is insecure/);
    await expect(cleared).rejects.toMatchObject({ cause: { name: 'SecurityError' } });
  });
});
