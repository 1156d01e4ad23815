/**
 * The fulfillment client as its own chunk: fetched as soon as the widget mounts (beside the bot file),
 * not in the widget's own bytes. A call made before it arrived waits for it; if fetching it fails
 * while the visitor is offline, the call waits for the connection like any other request.
 */
import type { Fulfill, FulfillHooks, FulfillmentResult } from '../conversation/dialogue-turn';
import type { FulfillmentClient, FulfillmentClientOptions } from './client';

export function lazyFulfillmentClient(url: string, options: FulfillmentClientOptions = {}): Fulfill & { clearCache(): void } {
  let client: Promise<FulfillmentClient> | null = null;
  let loaded: FulfillmentClient | null = null;
  const load = () =>
    (client ??= import('./client').then(
      ({ createFulfillmentClient }) => (loaded = createFulfillmentClient(url, options)),
      (error: unknown) => {
        client = null; // the next call tries again
        throw error;
      },
    ));
  void load().catch(() => undefined);

  const fulfill = async (call: Parameters<Fulfill>[0], hooks: FulfillHooks = {}): Promise<FulfillmentResult> => {
    for (;;) {
      try {
        return await (await load())(call, hooks);
      } catch (error) {
        if (globalThis.navigator?.onLine !== false) {
          console.error('[parley] the fulfillment client could not be loaded:', error);
          return { ok: false, message: 'our service could not be reached' };
        }
        // Offline before the client arrived: the visitor is told, and the call waits for the connection.
        hooks.onQueued?.();
        const back = await new Promise<boolean>((resolve) => {
          if (hooks.signal?.aborted) return resolve(false);
          const online = () => resolve(true);
          globalThis.addEventListener?.('online', online, { once: true });
          hooks.signal?.addEventListener('abort', () => (globalThis.removeEventListener?.('online', online), resolve(false)), { once: true });
        });
        if (!back) return { ok: false, message: 'the request was cancelled', cancelled: true };
        hooks.onResumed?.();
      }
    }
  };
  return Object.assign(fulfill, { clearCache: () => loaded?.clearCache() });
}
