/**
 * In headless Chromium, in the real worker, on the demo store page (desktop, localhost, unthrottled):
 * the time from opening the panel to the first understood answer (cold, then with the model cached)
 * and the stage that gave it, the bytes fetched before that answer, and the parse latency the worker
 * measures, whole and in its parts (the transformer's parses; the light stage's apart). The phone
 * profile is bench/phone.ts.
 */
import { chromium } from '@playwright/test';
import { chromiumArgs, findChromium } from '../scripts/browser';
import { createStaticServer, demoSite, listen } from '../scripts/server';
import { percentile } from '../src/train/latency';

export interface BrowserFigures {
  cold_open_to_answer_ms: number;
  cached_open_to_answer_ms: number;
  cold_bytes_before_answer: number;
  cached_bytes_before_answer: number;
  /** Which stage gave the first answer ('full' for bundles whose results name none). */
  cold_first_answer_stage: string;
  cached_first_answer_stage: string;
  worker_parse_ms_p50: number;
  worker_parse_ms_p95: number;
  /** The parts of a parse, p50: features, the network, and decoding with the rule extractors. */
  worker_featurize_ms_p50: number;
  worker_model_ms_p50: number;
  worker_decode_ms_p50: number;
  /** The light stage's parses (those answered before the transformer was warm), p50; null if none. */
  worker_light_parse_ms_p50: number | null;
  backend: string;
}

type Timing = { totalMs: number; featurizeMs: number; modelMs: number; decodeMs: number; stage: string };

const PHRASES = ['where is my order A12345', 'i forgot my password', 'how much is the pro plan', 'can i get a refund', 'talk to a human please', 'are you open on sunday'];
// Three rounds, so the percentiles rest on 35 parses rather than 11.
const QUESTIONS = [...PHRASES, ...PHRASES, ...PHRASES];

export async function measureInBrowser(): Promise<BrowserFigures> {
  const server = createStaticServer(await demoSite());
  const base = await listen(server, 0);
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
  try {
    const context = await browser.newContext();
    const visit = async () => {
      const page = await context.newPage();
      // Each finished request's bytes and when it finished (this machine's clock, as the page's Date.now()).
      const finished: Array<Promise<{ at: number; bytes: number }>> = [];
      page.on('requestfinished', (request) => {
        const at = Date.now();
        finished.push(request.sizes().then((sizes) => ({ at, bytes: sizes.responseBodySize + sizes.responseHeadersSize }), () => ({ at, bytes: 0 })));
      });
      await page.goto(base);
      await page.getByRole('button', { name: 'Open chat' }).waitFor();
      const started = Date.now();
      await page.getByRole('button', { name: 'Open chat' }).click();
      // Wait for the first understood answer, then send the rest for the worker's parse timings.
      const timings = await page.evaluate(async (questions) => {
        const parley = window.parley!;
        const measured: Timing[] = [];
        parley.on('understood', ({ result }) => measured.push({ ...result.timings, stage: result.stage ?? 'full' }));
        for (const question of questions) {
          const before = measured.length;
          await parley.send(question);
          const deadline = Date.now() + 60_000;
          while (measured.length === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
          if (before === 0) (window as unknown as { firstAnswerAt: number }).firstAnswerAt = Date.now();
        }
        return measured;
      }, QUESTIONS);
      const firstAnswerAt = await page.evaluate(() => (window as unknown as { firstAnswerAt: number }).firstAnswerAt);
      const firstAnswerMs = firstAnswerAt - started;
      // With the light stage, the runtime and the model arrive after the first answer: they do not count.
      const bytesBefore = (await Promise.all(finished)).filter((r) => r.at <= firstAnswerAt).reduce((total, r) => total + r.bytes, 0);
      await page.close();
      return { firstAnswerMs, bytesBefore, timings };
    };
    // The first visit pays for everything; the second finds the model in the Cache API and the rest in
    // the HTTP cache.
    const cold = await visit();
    const cached = await visit();
    const all = [...cold.timings.slice(1), ...cached.timings];
    const parse = all.filter((t) => t.stage === 'full');
    const light = [...cold.timings, ...cached.timings].filter((t) => t.stage === 'light');
    const p50 = (part: Exclude<keyof Timing, 'stage'>) => Number(percentile(parse.map((t) => t[part]), 50).toFixed(3));
    return {
      cold_open_to_answer_ms: cold.firstAnswerMs,
      cached_open_to_answer_ms: cached.firstAnswerMs,
      cold_bytes_before_answer: cold.bytesBefore,
      cached_bytes_before_answer: cached.bytesBefore,
      cold_first_answer_stage: cold.timings[0]?.stage ?? 'none',
      cached_first_answer_stage: cached.timings[0]?.stage ?? 'none',
      worker_parse_ms_p50: p50('totalMs'),
      worker_parse_ms_p95: Number(percentile(parse.map((t) => t.totalMs), 95).toFixed(3)),
      worker_featurize_ms_p50: p50('featurizeMs'),
      worker_model_ms_p50: p50('modelMs'),
      worker_decode_ms_p50: p50('decodeMs'),
      worker_light_parse_ms_p50: light.length > 0 ? Number(percentile(light.map((t) => t.totalMs), 50).toFixed(3)) : null,
      backend: 'wasm (1 thread)',
    };
  } finally {
    await browser.close();
    server.close();
  }
}
