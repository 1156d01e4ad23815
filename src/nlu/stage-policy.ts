/**
 * Which stages a visitor's browser loads. The light stage costs a few kilobytes; the full model costs
 * onnxruntime's wasm and the model (megabytes), so a visitor who asked to save data, or who is on a
 * very slow connection, keeps the light stage unless the site opts in with `nlu: 'full'`.
 */
import type { Stages } from './runtime/protocol';

/** The site's choice: 'auto' (default) decides per visitor; 'light' and 'full' force one. */
export type NluPolicy = 'auto' | 'light' | 'full';

/** The Network Information API's fields that matter here (Chromium-based browsers have it). */
export interface ConnectionHints {
  saveData?: boolean;
  effectiveType?: string;
}

/** Effective connection types too slow for megabytes of model (the API's own names). */
const SLOW_CONNECTIONS = new Set(['slow-2g', '2g']);

export function chooseStages(policy: NluPolicy, connection: ConnectionHints | undefined): { stages: Stages; reason: string } {
  if (policy === 'light') return { stages: 'light', reason: "the site chose the light stage (nlu: 'light')" };
  if (policy === 'full') return { stages: 'full', reason: "the site chose the full model (nlu: 'full')" };
  if (connection?.saveData) return { stages: 'light', reason: 'the visitor asked to save data (Save-Data)' };
  if (connection?.effectiveType && SLOW_CONNECTIONS.has(connection.effectiveType)) return { stages: 'light', reason: `a slow connection (${connection.effectiveType})` };
  return { stages: 'both', reason: 'the light stage first, then the full model once it is warm' };
}

/** `navigator.connection`, where the browser has it. */
export function connectionHints(): ConnectionHints | undefined {
  const connection = (globalThis.navigator as (Navigator & { connection?: ConnectionHints }) | undefined)?.connection;
  if (!connection) return undefined;
  return { ...(typeof connection.saveData === 'boolean' && { saveData: connection.saveData }), ...(typeof connection.effectiveType === 'string' && { effectiveType: connection.effectiveType }) };
}
