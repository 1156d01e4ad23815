/** What a site owner (script tag) or a front-end team (`mount`) can set. */
import type { MenuBot } from '../bot/menu-bot';
import type { Fulfill } from '../conversation/dialogue-turn';
import type { FulfillmentClientOptions } from '../fulfillment/client';
import type { Backend } from '../nlu/runtime/protocol';
import type { NluPolicy } from '../nlu/stage-policy';

export type Position = 'left' | 'right';
export type Theme = 'auto' | 'light' | 'dark';
export type LoadPolicy = 'idle' | 'interaction';

export interface WidgetOptions {
  /** URL of the bot bundle (the folder holding `bot.json`), or the bot itself. */
  bot: string | MenuBot;
  /** Header title; the bot's name by default. */
  title?: string;
  /** Replaces the bot's own greeting. */
  greeting?: string;
  /** URL of an avatar image shown in the header. */
  avatar?: string;
  /** Brand colour of the launcher, header and the visitor's bubbles (any CSS colour). */
  primaryColor?: string;
  /** CSS font-family for the widget. */
  font?: string;
  position?: Position;
  theme?: Theme;
  /** Language of the widget's own strings ("en", "fr"); the browser's languages by default. */
  locale?: string;
  maxMessageLength?: number;
  /** Open the panel as soon as the widget is mounted. */
  open?: boolean;
  /** Pause, with the typing indicator, before each bot reply. */
  replyDelayMs?: number;
  /**
   * When the language model (runtime + model bytes) loads: when the browser is idle after the widget
   * mounts ('idle', default), or when the visitor shows interest: pointer over or focus on the
   * launcher, or the panel opened ('interaction').
   */
  load?: LoadPolicy;
  /** Folder serving parley-nlu-worker.js and ort/ (default: the folder of the widget's own script). */
  assetsUrl?: string;
  /**
   * The language model: 'auto' (default; true means the same) answers with the light stage at once and
   * hands over to the full model once it is warm, but keeps the light stage for a visitor who asked to
   * save data or is on a 2G connection; 'light' never loads the full model; 'full' always loads it and
   * lets it answer every message (waiting for it); false never loads any model (buttons-only).
   */
  nlu?: boolean | NluPolicy;
  /**
   * Where the language model runs: 'auto' (default) picks WebGPU only when the browser has it and the
   * model is big enough to be faster there, else WASM; 'wasm' or 'webgpu' force one (WebGPU falls back
   * to WASM when the browser cannot run it).
   */
  nluBackend?: Backend;
  /** The site's endpoint for the bot's backend actions (order lookup, refund...): POST JSON. */
  fulfillmentUrl?: string;
  /** Or a function that performs them (for SPAs with their own API client); wins over fulfillmentUrl. */
  fulfill?: Fulfill;
  /**
   * How the fulfillment client behaves: timeouts, retries, cacheable actions, rate limit, circuit
   * breaker, and `headers(request)` to add e.g. a session token (see docs/fulfillment.md).
   */
  /**
   * Keep the conversation on the visitor's device (IndexedDB) to resume it after a reload and share it
   * between tabs; default true. `retentionDays` (default 30) and `redact` (store card numbers, emails
   * and phone numbers as placeholders) refine it.
   */
  persist?: boolean | { retentionDays?: number; redact?: boolean };
  fulfillment?: Pick<FulfillmentClientOptions, 'timeoutMs' | 'actionTimeoutsMs' | 'retries' | 'cacheTtlMs' | 'rateLimit' | 'breaker' | 'headers'>;
}
