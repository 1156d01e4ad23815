/**
 * Fetches and validates a bot bundle's `bot.json`. Failures come back as values with a precise detail.
 * It runs in the page's main thread: the JSON is read by own properties only (src/check.ts).
 */
import { parseDialogue } from '../bot/dialogue-bundle';
import type { DialogueBot } from '../bot/dialogue-schema';
import { parseMenuBot, type MenuBot } from '../bot/menu-bot';
import { isRecord } from '../check';
import { trimText } from '../text';

/** `hasModel`: the bundle carries a trained language model (`nlu`), so free text can be understood. */
export type LoadBotResult = { ok: true; bot: MenuBot; hasModel: boolean; dialogue: DialogueBot | null } | { ok: false; detail: string; retryable: boolean };

/** `/models/acme/` -> `/models/acme/bot.json`; a URL that already names a `.json` file is kept. */
export function botFileUrl(bot: string, baseUrl: string): string {
  const url = new URL(bot, baseUrl);
  if (!url.pathname.endsWith('.json')) {
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    url.pathname += 'bot.json';
  }
  return url.href;
}

export async function loadBot(
  bot: string | MenuBot,
  { fetch: fetchImpl, baseUrl, timeoutMs }: { fetch: typeof fetch; baseUrl: string; timeoutMs: number },
): Promise<LoadBotResult> {
  if (typeof bot !== 'string') {
    const parsed = parseMenuBot(bot, 'bot option');
    return parsed.ok ? { ok: true, bot: parsed.value, hasModel: false, dialogue: null } : { ok: false, detail: parsed.problems.join('\n'), retryable: false };
  }

  let url: string;
  try {
    url = botFileUrl(bot, baseUrl);
  } catch {
    return { ok: false, detail: `"${bot}" is not a valid bot URL`, retryable: false };
  }

  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), credentials: 'same-origin' });
  } catch (error) {
    const reason = error instanceof DOMException && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(error);
    return { ok: false, detail: `GET ${url} failed: ${reason}`, retryable: true };
  }
  if (!response.ok) {
    return {
      ok: false,
      detail: trimText(`GET ${url} answered ${response.status} ${response.statusText}`),
      retryable: response.status >= 500 || response.status === 429,
    };
  }

  let data: unknown;
  try {
    data = await response.json();
  } catch {
    return { ok: false, detail: `${url} is not valid JSON`, retryable: false };
  }
  const parsed = parseMenuBot(data, url);
  const has = (section: string) => isRecord(data) && Object.hasOwn(data, section);
  const hasModel = has('nlu');
  if (!parsed.ok) return { ok: false, detail: parsed.problems.join('\n'), retryable: false };
  let dialogue: DialogueBot | null = null;
  if (isRecord(data) && has('dialogue')) {
    const checked = parseDialogue(data.dialogue, `${url} dialogue`);
    // A broken dialogue must not take the menu down with it: say why, and run buttons-only.
    if (checked.ok) dialogue = checked.value;
    else console.error(`[parley] the bot's dialogue is invalid; running buttons-only:\n${checked.problems.join('\n')}`);
  }
  return { ok: true, bot: parsed.value, hasModel, dialogue };
}
