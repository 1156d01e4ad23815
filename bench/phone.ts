/**
 * The phone row of `npm run bench`: the demo store page in headless Chromium throttled like the
 * mid-range phone that page-speed tools emulate (CPU 4x slower, 1.6 Mbit/s down, 750 kbit/s up,
 * 150 ms round trip), every file served with brotli as a CDN would. For a visitor who opens the chat
 * at once and one who opens it after 10 s on the page, it types "what are your opening hours" in the
 * composer and presses Enter, then measures:
 *
 * - the time from Enter to the bot's answer appearing in the transcript, and which stage answered;
 * - the bytes on the wire before that answer: all of them (requests still in flight count what had
 *   arrived), and those of the requests that had finished (the most the answer can have needed);
 * - when the full model answers: after `modelReady` one more question goes in, and the time from page
 *   load to its answer is kept (the same as the first answer while there is only one stage).
 *
 * Throttling the worker: `Emulation.setCPUThrottlingRate` slows the page's main thread only (Chromium
 * interrupts that one thread and spins it), and the same command sent to the worker's target, attached
 * with `Target.setAutoAttach`, is refused ("Operation is only supported for pages, not workers"). So
 * the dedicated worker that runs the NLU is not slowed 4x. Network throttling does reach it (its
 * fetches share the page's network conditions). On Linux the worker's own CPU time is read from /proc
 * and each figure comes with a bound: what it would be at most if the worker were 4x slower too.
 *
 * `npx tsx bench/phone.ts` runs this part alone (`--quick`: only the "opened at once" case).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession } from '@playwright/test';
import { chromiumArgs, findChromium } from '../scripts/browser';
import { brotliCopy, createStaticServer, demoSite, listen } from '../scripts/server';

export const PHONE_PROFILE = {
  cpu_slowdown: 4,
  download_bytes_per_s: 200_000, // 1.6 Mbit/s
  upload_bytes_per_s: 93_750, // 750 kbit/s
  latency_ms: 150,
  viewport: '412x823 @1.75, touch',
  compression: 'brotli for every file (quality 9, as the build precompresses)',
} as const;

export const QUESTION = 'what are your opening hours';
/** Asked once the full model is ready, to see it answer. */
export const FOLLOW_UP = 'how much is the pro plan';

export interface RequestFigure {
  path: string;
  /** Bytes on the wire (headers and encoded body) by the end of the measurement. */
  bytes: number;
  started_ms: number;
  /** From page load; null when it had not finished by the end of the measurement. */
  finished_ms: number | null;
  /** Whether it had finished before the first answer appeared. */
  before_first_answer: boolean;
  /** Chromium reported no body bytes for it (a worker's own script): counted from the file served. */
  body_counted_from_file?: true;
}

export interface PhoneCase {
  case: string;
  /** The script tag's data-nlu, when the case sets one (else the page's default, auto). */
  nlu: string;
  /** From page load (navigation start), ms. */
  opened_at_ms: number;
  enter_at_ms: number;
  /** Enter to the bot's answer appearing. */
  first_answer_ms: number;
  /** Enter to the `understood` event (the worker's answer, before the reply is shown). */
  first_understood_ms: number | null;
  first_answer_stage: string;
  first_answer_intent: string | null;
  first_answer_text: string;
  /** Everything on the wire before the first answer, in-flight requests counted by what had arrived. */
  bytes_before_first_answer: number;
  /** The requests that had finished before it: the most the first answer can have needed. */
  bytes_of_requests_done_before_first_answer: number;
  /** What the in-flight requests had received by then (the rest of bytes_before_first_answer). */
  bytes_in_flight_at_first_answer: number;
  /** bytes_before_first_answer split: onnxruntime's .wasm, model.onnx, everything else. */
  bytes_before_first_answer_parts: { runtime_wasm: number; model_onnx: number; rest: number };
  light_ready_at_ms: number | null;
  model_ready_at_ms: number | null;
  /** From page load to the first answer given by the full model (null: it never answered). */
  full_answer_at_ms: number | null;
  full_answer_note: string;
  /** The worker thread's CPU time (Linux /proc), before the first answer and before modelReady. */
  worker_cpu_ms_before_first_answer: number | null;
  worker_cpu_ms_before_model_ready: number | null;
  /** The figures above if the worker had been 4x slower too, at most (all its work on the critical path). */
  first_answer_ms_if_worker_4x_at_most: number | null;
  full_answer_at_ms_if_worker_4x_at_most: number | null;
  /** The machine's 1-minute load average when the case started (2 cores; others share it). */
  machine_load_1min: number;
  /** What the page saw of the connection (navigator.connection), which the auto stage choice reads. */
  connection: { effectiveType?: string; downlink?: number; rtt?: number; saveData?: boolean } | null;
  bytes_total: number;
  requests: RequestFigure[];
}

export interface PhoneFigures {
  profile: typeof PHONE_PROFILE & { worker_cpu_throttled: false; question: string; follow_up: string };
  cases: PhoneCase[];
}

interface CaseSpec {
  name: string;
  /** Opens the chat this long after navigation start (0: as soon as the launcher shows). */
  openAfterMs: number;
  nlu?: 'auto' | 'light' | 'full';
}

const CASES: CaseSpec[] = [
  { name: 'opened at once', openAfterMs: 0 },
  { name: 'opened after 10 s', openAfterMs: 10_000 },
];

/** Generous: the first answer took 26.7 s on this profile before the light stage. */
const FIRST_ANSWER_TIMEOUT_MS = 180_000;
const FULL_MODEL_TIMEOUT_MS = 300_000;

export async function measurePhone(options: { quick?: boolean; log?: (line: string) => void } = {}): Promise<PhoneFigures> {
  const log = options.log ?? ((line: string) => console.error(line));
  const site = await demoSite();
  const copy = brotliCopy(site.mounts);
  const pages = { ...site.pages };
  const variantDir = copy.mounts[0]!.dir; // any folder of the copy: it goes away with it
  for (const nlu of ['auto', 'light', 'full'] as const) {
    const file = join(variantDir, `__phone-${nlu}.html`);
    writeFileSync(file, readFileSync('index.html', 'utf8').replace('<script src="/parley.js"', `<script src="/parley.js" data-nlu="${nlu}"`));
    pages[`/phone-${nlu}.html`] = file;
  }
  const server = createStaticServer({ ...site, mounts: copy.mounts, pages, brotliPages: true });
  // What the server sends for a path: the brotli twin when there is one (the browser accepts br).
  const bodyBytesOf = (path: string): number | null => {
    for (const { prefix, dir } of copy.mounts) {
      const base = prefix.replace(/\/$/, '');
      if (base !== '' && !path.startsWith(`${base}/`)) continue;
      const file = join(dir, path.slice(base.length));
      for (const candidate of [`${file}.br`, file]) if (existsSync(candidate) && statSync(candidate).isFile()) return statSync(candidate).size;
    }
    return null;
  };
  const base = await listen(server, 0);
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
  try {
    const cases: PhoneCase[] = [];
    for (const spec of options.quick ? CASES.slice(0, 1) : CASES) {
      log(`  phone: ${spec.name}...`);
      const figures = await measureCase(browser, base, spec, bodyBytesOf);
      log(`    first answer ${(figures.first_answer_ms / 1000).toFixed(1)} s after Enter (${figures.first_answer_stage}), full model answering at ${figures.full_answer_at_ms === null ? 'never' : `${(figures.full_answer_at_ms / 1000).toFixed(1)} s`}`);
      cases.push(figures);
    }
    // When auto kept the light stage on this connection, one more visit asks for the full model.
    if (!options.quick && cases.every((c) => c.full_answer_at_ms === null && c.first_answer_stage === 'light')) {
      const spec: CaseSpec = { name: 'opened at once, data-nlu="full"', openAfterMs: 0, nlu: 'full' };
      log(`  phone: ${spec.name}...`);
      cases.push(await measureCase(browser, base, spec, bodyBytesOf));
    }
    return { profile: { ...PHONE_PROFILE, worker_cpu_throttled: false, question: QUESTION, follow_up: FOLLOW_UP }, cases };
  } finally {
    await browser.close();
    server.close();
    copy.dispose();
  }
}

/** What the page records, from before its own scripts run (times in ms from navigation start). */
interface Probe {
  enter: number[];
  bot: Array<{ at: number; index: number }>;
  understood: Array<{ at: number; text: string; intent: string; stage: string | null }>;
  lightReady: number | null;
  modelReady: number | null;
}

function installProbe(): void {
  const probe: Probe = { enter: [], bot: [], understood: [], lightReady: null, modelReady: null };
  const elements: Element[] = [];
  Object.assign(window, { __phone: probe, __phoneElements: elements });
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter' && !event.shiftKey) probe.enter.push(performance.now());
    },
    { capture: true },
  );
  const seen = new WeakSet<Element>();
  const record = (node: Node) => {
    if (!(node instanceof Element)) return;
    const found = node.matches('.message--bot') ? [node] : [...node.querySelectorAll('.message--bot')];
    for (const element of found) {
      if (seen.has(element)) continue;
      seen.add(element);
      probe.bot.push({ at: performance.now(), index: elements.push(element) - 1 });
    }
  };
  const watchRoot = (root: ShadowRoot) => {
    new MutationObserver((mutations) => mutations.forEach((m) => m.addedNodes.forEach(record))).observe(root, { childList: true, subtree: true });
    record(root as unknown as Node);
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations)
      mutation.addedNodes.forEach((node) => {
        if (node instanceof Element && node.tagName === 'PARLEY-WIDGET' && node.shadowRoot) watchRoot(node.shadowRoot);
      });
  }).observe(document, { childList: true, subtree: true });
  // window.parley appears when parley.js runs: subscribe at that moment, so no event is missed.
  let parley: unknown;
  Object.defineProperty(window, 'parley', {
    configurable: true,
    get: () => parley,
    set(value: { on(event: string, listener: (payload: never) => void): void } | undefined) {
      parley = value;
      if (!value) return;
      value.on('understood', ({ message, result }: { message: { text: string }; result: { intent: { name: string }; stage?: string } }) =>
        probe.understood.push({ at: performance.now(), text: message.text, intent: result.intent.name, stage: result.stage ?? null }),
      );
      value.on('lightReady', () => (probe.lightReady ??= performance.now()));
      value.on('modelReady', () => (probe.modelReady ??= performance.now()));
    },
  });
}

async function measureCase(browser: Browser, base: string, spec: CaseSpec, bodyBytesOf: (path: string) => number | null): Promise<PhoneCase> {
  const load = loadavg()[0]!;
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
  try {
    // tsx keeps function names with a `__name` helper that the page does not have: give it one.
    await context.addInitScript({ content: `(() => { const __name = (target) => target; (${installProbe.toString()})(); })();` });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const wire = await watchWire(cdp, bodyBytesOf);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: PHONE_PROFILE.latency_ms,
      downloadThroughput: PHONE_PROFILE.download_bytes_per_s,
      uploadThroughput: PHONE_PROFILE.upload_bytes_per_s,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE_PROFILE.cpu_slowdown });
    const workerCpu = await watchWorkerCpu(browser);
    try {
      await page.goto(new URL(spec.nlu ? `phone-${spec.nlu}.html` : '', base).href, { waitUntil: 'commit' });
      const timeOrigin = await page.evaluate(() => performance.timeOrigin);
      const pageNow = () => Date.now() - timeOrigin;
      const launcher = page.getByRole('button', { name: 'Open chat' });
      await launcher.waitFor({ timeout: 60_000 });
      if (spec.openAfterMs > pageNow()) await page.waitForTimeout(spec.openAfterMs - pageNow());
      const openedAt = pageNow();
      await launcher.tap();
      await page.getByRole('log').locator('.message--bot').first().waitFor({ timeout: 60_000 }); // the greeting
      const composer = page.getByRole('textbox', { name: 'Type your message' });

      const ask = async (text: string) => {
        const before = await page.evaluate(() => ({ enter: (window as unknown as { __phone: Probe }).__phone.enter.length, bot: (window as unknown as { __phone: Probe }).__phone.bot.length }));
        await composer.fill(text);
        await composer.press('Enter');
        await page.waitForFunction((n) => (window as unknown as { __phone: Probe }).__phone.bot.length > n, before.bot, { timeout: FIRST_ANSWER_TIMEOUT_MS, polling: 250 }).catch(async (error: unknown) => {
          const seen = await page.evaluate(() => JSON.stringify((window as unknown as { __phone: Probe }).__phone)).catch(() => 'unavailable');
          const shown = await page.locator('.message').allInnerTexts().catch(() => []);
          throw new Error(`no answer to "${text}" within ${FIRST_ANSWER_TIMEOUT_MS / 1000} s; the page recorded ${seen}; the transcript shows ${JSON.stringify(shown)}`, { cause: error });
        });
        return page.evaluate(
          ({ before, text }) => {
            const probe = (window as unknown as { __phone: Probe }).__phone;
            const element = (window as unknown as { __phoneElements: Element[] }).__phoneElements[probe.bot[before.bot]!.index]!;
            const understood = probe.understood.find((u) => u.text === text && u.at >= probe.enter[before.enter]!);
            const connection = (navigator as Navigator & { connection?: { effectiveType?: string; downlink?: number; rtt?: number; saveData?: boolean } }).connection;
            return {
              enterAt: probe.enter[before.enter]!,
              answerAt: probe.bot[before.bot]!.at,
              text: (element.querySelector('.visually-hidden')?.nextElementSibling ?? element).textContent?.replace(/\s+/g, ' ').trim().slice(0, 100) ?? '',
              understood: understood ?? null,
              connection: connection ? { effectiveType: connection.effectiveType, downlink: connection.downlink, rtt: connection.rtt, saveData: connection.saveData } : null,
            };
          },
          { before, text },
        );
      };

      const first = await ask(QUESTION);
      const stage = first.understood ? (first.understood.stage ?? 'full (no stage reported)') : 'none (no understood event)';
      const cpuAtFirst = workerCpu.at(timeOrigin + first.answerAt);

      // The full model: at once if it gave the first answer, else one more question after modelReady.
      let fullAnswerAt: number | null = null;
      let note = '';
      if (first.understood && (first.understood.stage ?? 'full') === 'full') {
        fullAnswerAt = first.answerAt;
        note = 'the first answer';
      } else {
        const ready = await page
          .waitForFunction(() => (window as unknown as { __phone: Probe }).__phone.modelReady !== null, null, { timeout: FULL_MODEL_TIMEOUT_MS, polling: 500 })
          .then(() => true)
          .catch(() => false);
        if (!ready) note = `no modelReady within ${FULL_MODEL_TIMEOUT_MS / 1000} s of the first answer`;
        for (let attempt = 1; ready && fullAnswerAt === null && attempt <= 3; attempt++) {
          const next = await ask(FOLLOW_UP);
          if (next.understood?.stage === 'full') {
            fullAnswerAt = next.answerAt;
            note = `"${FOLLOW_UP}" after modelReady${attempt > 1 ? ` (attempt ${attempt})` : ''}`;
          } else note = `after modelReady, "${FOLLOW_UP}" was still answered by the ${next.understood?.stage ?? 'unknown'} stage`;
        }
      }
      const probe = await page.evaluate(() => (window as unknown as { __phone: Probe }).__phone);
      const cpuAtReady = probe.modelReady === null ? null : workerCpu.at(timeOrigin + probe.modelReady);
      const answerEpoch = timeOrigin + first.answerAt;
      const requests = wire.requests();
      const sum = (list: typeof requests, pick: (r: (typeof requests)[number]) => number) => list.reduce((total, r) => total + pick(r), 0);
      const onWire = (r: (typeof requests)[number]) => r.bytesBy(answerEpoch);
      const done = requests.filter((r) => r.finishedAt !== null && r.finishedAt <= answerEpoch);
      const inFlight = requests.filter((r) => r.startedAt <= answerEpoch && !(r.finishedAt !== null && r.finishedAt <= answerEpoch));
      const isWasm = (r: (typeof requests)[number]) => /\/ort\/.*\.wasm$/.test(r.path);
      const isModel = (r: (typeof requests)[number]) => /\.onnx$/.test(r.path);
      const bound = (ms: number, cpu: number | null) => (cpu === null ? null : Math.round(ms + (PHONE_PROFILE.cpu_slowdown - 1) * cpu));
      const firstAnswerMs = Math.round(first.answerAt - first.enterAt);
      return {
        case: spec.name,
        nlu: spec.nlu ?? 'auto (page default)',
        opened_at_ms: Math.round(openedAt),
        enter_at_ms: Math.round(first.enterAt),
        first_answer_ms: firstAnswerMs,
        first_understood_ms: first.understood ? Math.round(first.understood.at - first.enterAt) : null,
        first_answer_stage: stage,
        first_answer_intent: first.understood?.intent ?? null,
        first_answer_text: first.text,
        bytes_before_first_answer: sum(requests, onWire),
        bytes_of_requests_done_before_first_answer: sum(done, (r) => r.bytes),
        bytes_in_flight_at_first_answer: sum(inFlight, onWire),
        bytes_before_first_answer_parts: {
          runtime_wasm: sum(requests.filter(isWasm), onWire),
          model_onnx: sum(requests.filter(isModel), onWire),
          rest: sum(
            requests.filter((r) => !isWasm(r) && !isModel(r)),
            onWire,
          ),
        },
        light_ready_at_ms: probe.lightReady === null ? null : Math.round(probe.lightReady),
        model_ready_at_ms: probe.modelReady === null ? null : Math.round(probe.modelReady),
        full_answer_at_ms: fullAnswerAt === null ? null : Math.round(fullAnswerAt),
        full_answer_note: note,
        worker_cpu_ms_before_first_answer: cpuAtFirst,
        worker_cpu_ms_before_model_ready: cpuAtReady,
        first_answer_ms_if_worker_4x_at_most: bound(firstAnswerMs, cpuAtFirst),
        full_answer_at_ms_if_worker_4x_at_most: fullAnswerAt === null ? null : bound(fullAnswerAt, fullAnswerAt === first.answerAt ? cpuAtFirst : cpuAtReady),
        connection: first.connection,
        bytes_total: sum(requests, (r) => r.bytes),
        requests: requests.map((r) => ({
          path: r.path,
          bytes: r.bytes,
          started_ms: Math.round(r.startedAt - timeOrigin),
          finished_ms: r.finishedAt === null ? null : Math.round(r.finishedAt - timeOrigin),
          before_first_answer: r.finishedAt !== null && r.finishedAt <= answerEpoch,
          ...(r.bodyFromFile && { body_counted_from_file: true as const }),
        })),
        machine_load_1min: Number(load.toFixed(2)),
      };
    } finally {
      workerCpu.stop();
    }
  } finally {
    await context.close();
  }
}

interface WireRequest {
  path: string;
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number | null;
  /** Bytes on the wire so far (all of them once finished). */
  bytes: number;
  bytesBy(epochMs: number): number;
  bodyFromFile: boolean;
}

/**
 * Every request of the page and of its workers, with the bytes as they arrive (CDP Network events;
 * a dedicated worker's requests are reported on its own target, attached here before it runs).
 * Chromium reports the worker's own script with its decoded length and a total of only its headers
 * (Chromium 156): its body is then counted from the file the server sent (`bodyBytesOf`), unless the
 * network answered 304.
 */
async function watchWire(cdp: CDPSession, bodyBytesOf: (path: string) => number | null): Promise<{ requests(): WireRequest[] }> {
  interface Entry {
    path: string;
    startedAt: number;
    headers: { at: number; bytes: number } | null;
    chunks: Array<{ at: number; bytes: number; decoded: number }>;
    finished: { at: number; bytes: number } | null;
    source?: string;
    /** The HTTP status the network saw (responseReceivedExtraInfo): a 304's body came from the cache. */
    status?: number;
  }
  const entries = new Map<string, Entry>();
  // CDP timestamps are monotonic seconds; requestWillBeSent also gives the wall time, hence the offset.
  let offsetMs: number | null = null;
  const epoch = (timestamp: number) => timestamp * 1000 + (offsetMs ?? 0);
  // Keyed by request id alone: a worker's main script is announced on the page's target and loaded on
  // the worker's, under the same id. Its body is counted from one target only.
  const onNetwork = (source: string, method: string, params: Record<string, unknown>) => {
    const key = String(params.requestId);
    if (method === 'Network.requestWillBeSent') {
      offsetMs ??= (params.wallTime as number) * 1000 - (params.timestamp as number) * 1000;
      const url = new URL((params.request as { url: string }).url);
      if (url.protocol === 'data:' || url.protocol === 'blob:') return;
      if (!entries.has(key)) entries.set(key, { path: url.pathname, startedAt: epoch(params.timestamp as number), headers: null, chunks: [], finished: null });
      return;
    }
    const entry = entries.get(key);
    if (!entry) return;
    if (method === 'Network.responseReceivedExtraInfo') return void (entry.status = params.statusCode as number);
    if (method !== 'Network.responseReceived') {
      entry.source ??= source;
      if (entry.source !== source) return;
    }
    const at = epoch(params.timestamp as number);
    if (method === 'Network.responseReceived') entry.headers = { at, bytes: (params.response as { encodedDataLength: number }).encodedDataLength };
    else if (method === 'Network.dataReceived') entry.chunks.push({ at, bytes: params.encodedDataLength as number, decoded: params.dataLength as number });
    else if (method === 'Network.loadingFinished') entry.finished = { at, bytes: params.encodedDataLength as number };
    else if (method === 'Network.loadingFailed') entry.finished ??= { at, bytes: (entry.headers?.bytes ?? 0) + entry.chunks.reduce((t, c) => t + c.bytes, 0) };
  };
  const events = ['Network.requestWillBeSent', 'Network.responseReceived', 'Network.responseReceivedExtraInfo', 'Network.dataReceived', 'Network.loadingFinished', 'Network.loadingFailed'] as const;
  for (const method of events) cdp.on(method, (params) => onNetwork('page', method, params as unknown as Record<string, unknown>));

  // The worker's target, through the page's session (Playwright's CDPSession speaks to one target).
  let nextId = 1;
  const sendToTarget = (sessionId: string, method: string, params: object = {}) =>
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: nextId++, method, params }) }).catch(() => undefined);
  cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const parsed = JSON.parse(message) as { method?: string; params?: Record<string, unknown> };
    if (parsed.method?.startsWith('Network.') && parsed.params) onNetwork(sessionId, parsed.method, parsed.params);
  });
  cdp.on('Target.attachedToTarget', ({ sessionId, waitingForDebugger }) => {
    void sendToTarget(sessionId, 'Network.enable').then(() => (waitingForDebugger ? sendToTarget(sessionId, 'Runtime.runIfWaitingForDebugger') : undefined));
  });
  await cdp.send('Network.enable');
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });

  return {
    requests: () =>
      [...entries.values()]
        .map((entry) => {
          // A worker's own script: no response announced, a decoded body, no encoded bytes, a total of
          // its headers alone; unless the network answered 304 (the body came from the cache).
          const decoded = entry.chunks.reduce((t, c) => t + c.decoded, 0);
          const encoded = entry.chunks.reduce((t, c) => t + c.bytes, 0);
          const missingBody = entry.headers === null && entry.status !== 304 && decoded > 0 && encoded === 0 && entry.finished !== null && entry.finished.bytes < decoded;
          const body = missingBody ? bodyBytesOf(entry.path) : null;
          const finished = entry.finished && { at: entry.finished.at, bytes: entry.finished.bytes + (body ?? 0) };
          const bytesBy = (time: number) => {
            if (finished && finished.at <= time) return finished.bytes;
            return (entry.headers && entry.headers.at <= time ? entry.headers.bytes : 0) + entry.chunks.filter((c) => c.at <= time).reduce((t, c) => t + c.bytes, 0);
          };
          return { path: entry.path, startedAt: entry.startedAt, finishedAt: entry.finished?.at ?? null, bytes: bytesBy(Infinity), bytesBy, bodyFromFile: body !== null };
        })
        .sort((a, b) => a.startedAt - b.startedAt),
  };
}

/**
 * The CPU time of the browser's dedicated worker threads, sampled every 100 ms from /proc (Linux;
 * elsewhere `at()` answers null). Chromium names the thread "DedicatedWorker thread".
 */
async function watchWorkerCpu(browser: Browser): Promise<{ at(epochMs: number): number | null; stop(): void }> {
  const session = await browser.newBrowserCDPSession();
  const samples: Array<{ at: number; ms: number }> = [];
  const msPerTick = 10; // USER_HZ is 100 on Linux
  let stopped = false;
  const sample = async () => {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo').catch(() => ({ processInfo: [] }))) as { processInfo: Array<{ type: string; id: number }> };
    let ms = 0;
    let found = false;
    for (const { type, id } of processInfo) {
      if (type !== 'renderer') continue;
      let threads: string[];
      try {
        threads = readdirSync(`/proc/${id}/task`);
      } catch {
        continue;
      }
      for (const tid of threads) {
        try {
          if (!readFileSync(`/proc/${id}/task/${tid}/comm`, 'utf8').startsWith('DedicatedWorker')) continue;
          const fields = readFileSync(`/proc/${id}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          ms += (Number(fields[11]) + Number(fields[12])) * msPerTick; // utime + stime
          found = true;
        } catch {
          // the thread ended between the listing and the read
        }
      }
    }
    if (found || samples.length > 0) samples.push({ at: Date.now(), ms });
  };
  const loop = async () => {
    while (!stopped) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  void loop();
  return {
    at(epochMs) {
      if (process.platform !== 'linux') return null;
      const before = samples.filter((s) => s.at <= epochMs).at(-1);
      return before ? Math.round(before.ms) : samples.length > 0 ? 0 : null;
    },
    stop() {
      stopped = true;
      void session.detach().catch(() => undefined);
    },
  };
}

/** The phone rows as a table (seconds and megabytes), for the benchmark's printout. */
export function formatPhoneTable(figures: PhoneFigures): string {
  const s = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
  const header = ['case', 'stage', 'Enter -> answer', '(worker 4x, at most)', 'bytes before answer', 'of finished requests', 'wasm / onnx / rest', 'full model answers at', '(worker 4x, at most)'];
  const lines = figures.cases.map((c) => [
    c.case,
    c.first_answer_stage,
    s(c.first_answer_ms),
    s(c.first_answer_ms_if_worker_4x_at_most),
    mb(c.bytes_before_first_answer),
    mb(c.bytes_of_requests_done_before_first_answer),
    `${mb(c.bytes_before_first_answer_parts.runtime_wasm)} / ${mb(c.bytes_before_first_answer_parts.model_onnx)} / ${mb(c.bytes_before_first_answer_parts.rest)}`,
    s(c.full_answer_at_ms),
    s(c.full_answer_at_ms_if_worker_4x_at_most),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const p = figures.profile;
  return [
    `Phone profile: CPU ${p.cpu_slowdown}x slower (the page's main thread; the worker is not throttled), ${(p.download_bytes_per_s * 8) / 1e6} Mbit/s down, ${(p.upload_bytes_per_s * 8) / 1e3} kbit/s up, ${p.latency_ms} ms; ${p.compression}.`,
    `"${p.question}" typed in the composer; "full model answers at" is from page load.`,
    format(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.map(format),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
  measurePhone({ quick: values.quick })
    .then((figures) => {
      console.log(formatPhoneTable(figures));
      console.log(JSON.stringify(figures, null, 2));
      if (values.out) writeFileSync(values.out, `${JSON.stringify(figures, null, 2)}\n`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
