/**
 * fulfillment/ owns the one backend call: a flow's action sent to the site's fulfillment URL. This
 * first client posts JSON with an idempotency key and a timeout, and turns every failure into a
 * result the engine can say; retries, a circuit breaker and caching come with the full protocol.
 */
import type { Fulfill, FulfillmentResult } from '../conversation/dialogue-turn';

export const FULFILLMENT_PROTOCOL = 1;
export const DEFAULT_TIMEOUT_MS = 8000;

export function createFulfillmentClient(url: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Fulfill {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  return async ({ action, slots, sessionId }) => {
    const requestId = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': requestId },
        body: JSON.stringify({ protocol: FULFILLMENT_PROTOCOL, action, sessionId, requestId, slots }),
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        credentials: 'same-origin',
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      console.error(`[parley] fulfillment "${action}" failed:`, error);
      return { ok: false, message: timedOut ? 'our service took too long to answer' : 'our service could not be reached' };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      console.error(`[parley] fulfillment "${action}": ${url} answered ${response.status} without JSON`);
      return { ok: false, message: 'our service sent an answer we could not read' };
    }
    return readResult(body, response.status, action);
  };
}

function readResult(body: unknown, status: number, action: string): FulfillmentResult {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (status < 300 && record.status === 'ok') {
    const slots = typeof record.slots === 'object' && record.slots !== null ? (record.slots as Record<string, string | number | boolean | null>) : undefined;
    return slots ? { ok: true, slots } : { ok: true };
  }
  const message = typeof record.message === 'string' ? record.message : `our service answered ${status}`;
  console.error(`[parley] fulfillment "${action}" answered ${status}:`, body);
  return { ok: false, message };
}
