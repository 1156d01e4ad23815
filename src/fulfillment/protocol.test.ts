import { describe, expect, it } from 'vitest';
import { onHostilePage } from '../test/hostile-page';
import { readFulfillmentResponse } from './protocol';

describe("reading the backend's answer", () => {
  it('reads each status, keeping what the widget uses', () => {
    expect(readFulfillmentResponse({ status: 'ok', messages: ['Shipped.'], slots: { order_state: 'shipped', note: null }, followUp: 'end', newer: 1 })).toEqual({
      ok: true,
      response: { status: 'ok', messages: ['Shipped.'], slots: { order_state: 'shipped', note: null }, followUp: 'end', newer: 1 },
    });
    expect(readFulfillmentResponse({ status: 'error', message: 'We have no order A99999.' })).toEqual({ ok: true, response: { status: 'error', message: 'We have no order A99999.' } });
    expect(readFulfillmentResponse({ status: 'retry', retryAfterSeconds: 2 })).toEqual({ ok: true, response: { status: 'retry', retryAfterSeconds: 2 } });
  });

  it('says what does not follow the protocol, and where', () => {
    expect(readFulfillmentResponse({ status: 'ok', slots: { refund_id: ['R1'] } })).toEqual({ ok: false, reason: 'slots.refund_id: must be text, a number or true/false, not a list' });
    expect(readFulfillmentResponse({ status: 'error' })).toEqual({ ok: false, reason: 'message: missing (must be text)' });
    expect(readFulfillmentResponse({ status: 'retry', retryAfterSeconds: -1 })).toEqual({ ok: false, reason: 'retryAfterSeconds: must be 0 or more' });
    expect(readFulfillmentResponse({ ok: true })).toEqual({ ok: false, reason: 'status: missing (must be one of "ok", "error", "retry")' });
    expect(readFulfillmentResponse('OK')).toEqual({ ok: false, reason: '(root): must be an object, not "OK"' });
  });

  it('reads it on a page that added methods to Object.prototype and Array.prototype', async () => {
    const body = JSON.parse('{"status":"ok","messages":["Shipped."],"slots":{"order_state":"shipped"}}') as unknown;
    const read = await onHostilePage(() => readFulfillmentResponse(body));
    expect(read).toEqual({ ok: true, response: { status: 'ok', messages: ['Shipped.'], slots: { order_state: 'shipped' } } });
  });
});
