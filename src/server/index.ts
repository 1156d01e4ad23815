/**
 * `parley/server`: the Node side of the fulfillment protocol, for a site's backend.
 * See docs/fulfillment.md.
 */
export {
  createFulfillmentHandler,
  FulfillmentError,
  memoryIdempotencyStore,
  type Action,
  type ActionContext,
  type ActionResult,
  type FulfillmentHandlerOptions,
  type IdempotencyStore,
  type StoredAnswer,
} from './fulfillment-handler';
export { toNodeListener } from './node-listener';
export { FULFILLMENT_PROTOCOL, type FulfillmentRequest, type FulfillmentResponse } from '../fulfillment/protocol';
