/**
 * `parley/server`: the Node side of the fulfillment protocol, for a site's backend.
 * See docs/fulfillment.md.
 */
export {
  ActionTimeoutError,
  createFulfillmentHandler,
  FulfillmentError,
  memoryIdempotencyStore,
  SERVER_DEFAULTS,
  type Action,
  type ActionContext,
  type ActionResult,
  type Claim,
  type ClaimResult,
  type FulfillmentHandlerOptions,
  type IdempotencyStore,
  type KeyValueIdempotencyStore,
  type MemoryIdempotencyOptions,
  type StoredAnswer,
} from './fulfillment-handler';
export { toNodeListener, type NodeListenerOptions } from './node-listener';
export { FULFILLMENT_PROTOCOL, type FulfillmentRequest, type FulfillmentResponse } from '../fulfillment/protocol';
