/**
 * The server that flood.test.ts floods, in a process of its own so that its memory is measured
 * alone: `createFulfillmentHandler` behind `toNodeListener` on loopback, with the default limits
 * (only the body deadline comes from FLOOD_BODY_TIMEOUT_MS, to keep the test short). It tells its
 * parent the port, and answers 'memory' with its memory use after a full garbage collection (run
 * with --expose-gc) and its peak resident size.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFulfillmentHandler, FulfillmentError, toNodeListener } from './index';

export interface FloodServerMemory {
  rss: number;
  /** Peak resident set size of the process so far, in bytes. */
  maxRss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export type FloodServerMessage = { port: number } | { memory: FloodServerMemory };

const ORDERS = new Map([
  ['A12345', 'shipped'],
  ['B77777', 'delivered'],
]);

const handler = createFulfillmentHandler({
  actions: {
    order_status: ({ slots }) => {
      const state = ORDERS.get(String(slots.order_id));
      if (!state) throw new FulfillmentError('we have no such order');
      return { slots: { order_state: state } };
    },
  },
  onError: () => {},
});

const send = (message: FloodServerMessage) => process.send?.(message);
const server = createServer(toNodeListener(handler, { bodyTimeoutMs: Number(process.env.FLOOD_BODY_TIMEOUT_MS ?? 10_000) }));
server.listen(0, '127.0.0.1', () => send({ port: (server.address() as AddressInfo).port }));

process.on('message', (message) => {
  if (message !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  send({ memory: { rss, maxRss: process.resourceUsage().maxRSS * 1024, heapUsed, external, arrayBuffers } });
});
// The test is over (or died): so is this server.
process.on('disconnect', () => process.exit(0));
