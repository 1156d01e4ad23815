/**
 * Fulfillment under injected faults, against the real example backend (SQLite) on loopback, through a
 * proxy that injects 500s, timeouts, slow answers, connections dropped before or after the backend
 * wrote, malformed JSON, 429 with Retry-After, duplicated deliveries and held answers.
 *
 * Side effects are counted by what they are, at a handler wrapped around the backend: every request
 * it executed (not replayed) per (action, session, business object). A duplicate is one object acted
 * on twice for one visitor intent; a lost one is a success shown to the visitor with no side effect.
 *
 * First the fulfillment client alone, then whole conversations (the refund flow, IndexedDB, the real
 * client) with reloads while the refund call is out, resets while offline, two tabs, and a backend
 * slower than the turn's deadline. Every run is seeded and prints nothing unless it fails (with what
 * replays it); each scenario prints one line of counts.
 */
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FulfillCall } from '../../src/conversation/dialogue-turn';
import type { Conversation } from '../../src/conversation/types';
import { createFulfillmentClient, REASONS } from '../../src/fulfillment/client';
import { FULFILLMENT_PROTOCOL } from '../../src/fulfillment/protocol';
import { createFulfillmentHandler } from '../../src/server';
import { FAULTS, startFaultProxy, type Fault, type FaultProxy, type ProxyRun } from './test-support/fault-proxy';
import { businessObject, recordingHandler, type Ledger } from './test-support/ledger';
import { openPage, sharedLocks, type Page } from './test-support/page';
import { classify, GREETING, lastBot, openChat, texts } from './test-support/refund-bot';
import { Scenario, type Draw } from './test-support/runs';
import { answered, askForRefund, carryOn, confirm, eventually, say, settled, Stuck, viewOf, within, type View } from './test-support/visitor';

/** Long enough that a clean attempt on a loaded machine never times out; each injected timeout costs this much. */
const CLIENT_TIMEOUT_MS = 300;
const CLIENT_RETRIES = 4;
/** The widget's client in the conversation runs: short timeouts, so that a held answer costs little. */
const PAGE_TIMEOUT_MS = 200;
const PAGE_RETRIES = 3;
/** After the visitor walked away from a queued request, how long the page is watched for a POST (it would go out at once). */
const QUIET_MS = 300;

/** Orders a refund is asked for (delivered and shipped demo orders). */
const ORDERS = ['B77777', 'A12345'] as const;

let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await startFaultProxy({ lateAnswerMs: 1000, slowMs: CLIENT_TIMEOUT_MS / 4 });
});

afterAll(async () => {
  await proxy.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A weekday about a week ahead, at 10:00: a call the backend can book whatever today is. */
function callSlot(): { call_date: string; call_time: string } {
  const day = new Date(Date.now() + 7 * 24 * 3600_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  return { call_date: day.toISOString().slice(0, 10), call_time: '10:00:00' };
}

/** `length` faults drawn from `faults`. */
const faultsOf = (d: Draw, length: number, faults: readonly Fault[] = FAULTS): Fault[] => Array.from({ length }, () => d.pick(faults));

/** Faults that keep every attempt from succeeding (no slow or duplicated delivery, which still answer). */
const FAILING: readonly Fault[] = FAULTS.filter((f) => f !== 'slow' && f !== 'duplicate');

describe('side effects are counted by what they are', () => {
  it('one refund asked under two keys is two refunds; a replay is none; the same refund id once', async () => {
    let next = 1000;
    const handler = createFulfillmentHandler({ actions: { create_refund: () => ({ slots: { refund_id: `R${next++}` } }) }, onError: () => {} });
    const { handler: recorded, ledger } = recordingHandler(handler);
    const post = (key: string) =>
      recorded(
        new Request('http://backend.test/api/fulfillment', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
          body: JSON.stringify({ protocol: FULFILLMENT_PROTOCOL, action: 'create_refund', sessionId: 's1', requestId: key, slots: { order_id: 'b77777', refund_reason: 'broken' } }),
        }),
      );
    await post('k1');
    await post('k1');
    expect(ledger.sideEffects('create_refund', 's1', 'B77777')).toBe(1);
    await post('k2');
    expect(ledger.executions.map((e) => e.outcome)).toEqual(['executed', 'replayed', 'executed']);
    expect(ledger.sideEffects('create_refund', 's1', 'B77777')).toBe(2);
    expect(ledger.byObject('create_refund')).toEqual([{ sessionId: 's1', object: 'B77777', count: 2 }]);
  });
});

describe('the fulfillment client under injected faults (example backend, SQLite, loopback)', () => {
  /** One visitor request through a fresh client and a fresh backend, meeting `faults` in order. */
  async function clientRun(d: Draw, faults: Fault[], run: number) {
    const proxied: ProxyRun = await proxy.newRun({ schedule: faults });
    const sessionId = `client-${run}`;
    try {
      const fulfill = createFulfillmentClient(proxied.url, {
        timeoutMs: CLIENT_TIMEOUT_MS,
        retries: CLIENT_RETRIES,
        backoff: { baseMs: 5, maxMs: 40 },
        random: d.random,
        newId: () => `${sessionId}-key`,
        log: () => {},
        network: { isOnline: () => true, onceOnline: async () => {} },
      });
      const kind = d.between(0, 2);
      const call: FulfillCall =
        kind === 0
          ? { action: 'create_refund', flow: 'refund', sessionId, slots: { order_id: d.pick(ORDERS), refund_reason: 'arrived broken' } }
          : kind === 1
            ? { action: 'schedule_call', flow: 'schedule_call', sessionId, slots: callSlot() }
            : { action: 'password_reset', flow: 'password_reset', sessionId, slots: { email: `visitor${run}@example.com` } };
      const result = await fulfill(call);
      // A request the client gave up on may still be inside the backend: count once it is done.
      await eventually(() => proxied.busy() === 0, 'the proxy to finish');
      return { result, effects: proxied.ledger.sideEffects(call.action, sessionId, businessObject(call.action, call.slots)) };
    } finally {
      await proxied.close();
    }
  }

  it('each fault alone: the request still succeeds, and is done exactly once', async () => {
    const scenario = new Scenario('client-single', 1, FAULTS.length);
    for (const run of scenario.runs()) {
      const fault = FAULTS[run]!;
      const { result, effects } = await clientRun(scenario.draw(run), [fault], run);
      expect(result, fault).toMatchObject({ ok: true });
      expect(effects, fault).toBe(1);
    }
  });

  it('200 randomized faulty runs: zero lost and zero duplicated side effects; every failure says why', async () => {
    const scenario = new Scenario('client', 20261201, 200);
    // writtenButReported: every attempt failed for the visitor (told so), though one reached the backend.
    const counts = { runs: 0, succeeded: 0, reportedFailures: 0, writtenButReported: 0, lost: 0, duplicated: 0, faultsInjected: 0 };
    for (const run of scenario.runs()) {
      const d = scenario.draw(run);
      // Mostly recoverable (at most CLIENT_RETRIES faults); one run in ten meets a fault on every attempt.
      const hopeless = d.chance(0.1);
      const faults = hopeless ? faultsOf(d, CLIENT_RETRIES + 1, FAILING) : faultsOf(d, d.between(0, CLIENT_RETRIES));
      const schedule = `[${faults.join(', ')}]${hopeless ? ' (hopeless)' : ''}`;
      counts.runs++;
      counts.faultsInjected += faults.length;
      const { result, effects } = await clientRun(d, faults, run);
      if (result.ok) {
        counts.succeeded++;
        if (effects === 0) {
          counts.lost++;
          scenario.fail(run, schedule, 'the client said it succeeded, the backend did nothing');
        }
      } else {
        counts.reportedFailures++;
        if (effects > 0) counts.writtenButReported++;
        if (!Object.values<string>(REASONS).includes(result.message ?? '')) scenario.fail(run, schedule, `a failure without a plain reason: ${result.message}`);
        if (!hopeless) scenario.fail(run, schedule, `a recoverable run failed: ${result.message}`);
      }
      if (effects > 1) {
        counts.duplicated++;
        scenario.fail(run, schedule, `done ${effects} times`);
      }
    }
    console.log(`fault injection, client (seed ${scenario.seed}): ${JSON.stringify(counts)}`);
    expect(counts.lost, scenario.report()).toBe(0);
    expect(counts.duplicated, scenario.report()).toBe(0);
    expect(scenario.failures, scenario.report()).toHaveLength(0);
    expect(counts.succeeded + counts.reportedFailures).toBe(counts.runs);
  }, 180_000);
});

// ---- whole conversations ------------------------------------------------------------------------

interface Verdict {
  saidDone: number;
  saidFailed: number;
  writtenButReported: number;
  lost: number;
  duplicated: number;
}

const verdictCounts = (): Verdict => ({ saidDone: 0, saidFailed: 0, writtenButReported: 0, lost: 0, duplicated: 0 });

/**
 * The visitor's final view against what the backend did: a refund the bot says it made was made
 * exactly once (and has the id shown); one it says failed may still have been made (counted).
 */
function judge(counts: Verdict, ledger: Ledger, order: string, view: View): string[] {
  const problems: string[] = [];
  const groups = ledger.byObject('create_refund').filter((g) => g.object === order);
  const made = groups.reduce((sum, g) => sum + g.count, 0);
  for (const group of groups.filter((g) => g.count > 1)) problems.push(`order ${order} was refunded ${group.count} times in session ${group.sessionId}`);
  if (groups.some((g) => g.count > 1)) counts.duplicated++;
  if (view.done.length > 0) {
    counts.saidDone++;
    if (made === 0) {
      counts.lost++;
      problems.push(`the bot said refund ${view.done.join(', ')} was made; the backend made none`);
    }
    const known = ledger.resultIds('create_refund');
    const unknown = view.done.filter((id) => !known.has(id));
    if (made > 0 && unknown.length > 0) problems.push(`the bot showed refund ids the backend never gave: ${unknown.join(', ')}`);
  } else if (view.failed > 0) {
    counts.saidFailed++;
    if (made > 0) counts.writtenButReported++;
  } else problems.push('the visitor was never told how the refund went');
  return problems;
}

function pageFor(url: string, d: Draw): Page {
  return openPage({ url, timeoutMs: PAGE_TIMEOUT_MS, retries: PAGE_RETRIES, random: d.random });
}

/** Faults for a conversation's refund calls: a few recoverable ones, or (one run in ten) a fault on every attempt. */
function conversationFaults(d: Draw, first?: Fault): Fault[] {
  const rest = d.chance(0.1) ? faultsOf(d, PAGE_RETRIES + 1, FAILING) : faultsOf(d, d.between(0, 2));
  return first ? [first, ...rest] : rest;
}

/** Runs one conversation run; a run that throws (stuck, a bot that said something unexpected) is a failed run. */
async function attempt(scenario: Scenario, run: number, schedule: () => string, chats: () => Conversation[], work: () => Promise<string[]>): Promise<'ok' | 'failed' | 'stuck'> {
  try {
    const problems = await work();
    if (problems.length > 0) scenario.fail(run, schedule(), problems.join('; '), transcriptOf(chats()));
    return problems.length > 0 ? 'failed' : 'ok';
  } catch (error) {
    scenario.fail(run, schedule(), error instanceof Error ? error.message : String(error), transcriptOf(chats()));
    return error instanceof Stuck ? 'stuck' : 'failed';
  }
}

function transcriptOf(chats: Conversation[]): string[] {
  return chats.flatMap((chat, i) => [`tab ${i + 1}:`, ...viewOf(chat).texts.map((t) => `  ${t}`)]);
}

describe('conversations under faults: reloads, resets, offline, two tabs', () => {
  it('reload while the refund call is out: the refund is made once, and the visitor is told the truth', async () => {
    const scenario = new Scenario('reload', 20261202, 80);
    const counts = { runs: 0, ...verdictCounts(), confirmedAgain: 0, stuck: 0, faultsInjected: 0 };
    const MOMENTS = ['at once', 'once the request reached the proxy', 'once the backend made the refund'] as const;
    // The first refund request meets one of these (most of them: the backend writes, the answer is lost).
    const FIRST: readonly Fault[] = ['hold', 'hold', 'drop-after', 'drop-after', 'timeout', 'slow', 'duplicate', 'malformed', '500', 'drop-before', '429', 'pass'];
    for (const run of scenario.runs()) {
      const d = scenario.draw(run);
      const order = d.pick(ORDERS);
      const faults = conversationFaults(d, d.pick(FIRST));
      const moment = d.pick(MOMENTS);
      const jitterMs = d.chance(0.5) ? d.between(1, 15) : 0;
      // After the reload, some visitors ask before they confirm again (a turn of its own).
      const asksFirst = d.chance(0.5);
      const schedule = () =>
        `order ${order}, refund requests meet [${faults.join(', ')}], reload ${moment}${jitterMs ? ` +${jitterMs} ms` : ''}, then the visitor ${asksFirst ? 'asks "is it done?" and ' : ''}carries on`;
      counts.runs++;
      counts.faultsInjected += faults.length;
      const proxied = await proxy.newRun({ schedule: faults });
      const indexedDB = new IDBFactory();
      const before = pageFor(proxied.url, d);
      const first = openChat(before, indexedDB, { locks: sharedLocks() });
      let after: Page | null = null;
      let second: Conversation | null = null;
      const outcome = await attempt(
        scenario,
        run,
        schedule,
        () => (second ? [second] : [first]),
        async () => {
          await first.start();
          await askForRefund(first, order);
          confirm(first);
          const answeredOrMade = () => proxied.ledger.executions.some((e) => e.outcome === 'executed') || before.calls.some((c) => c.result !== null);
          if (moment === MOMENTS[1]) await eventually(() => proxied.arrivals.length > 0 || answeredOrMade(), 'the refund request to reach the proxy');
          if (moment === MOMENTS[2]) await eventually(answeredOrMade, 'the backend to make the refund');
          if (jitterMs > 0) await sleep(jitterMs);
          // The reload: the page goes (its requests are cut), a new one opens on the same IndexedDB.
          first.dispose();
          before.kill();
          // The browser released the old page's locks: the new page has its own.
          const locks = sharedLocks();
          after = pageFor(proxied.url, d);
          second = openChat(after, indexedDB, { locks });
          await second.start();
          if (asksFirst && (await settled(second, locks.idle)) === 'confirm') say(second, 'is it done?');
          const { confirmedAgain } = await carryOn(second, locks.idle);
          if (confirmedAgain > 0) counts.confirmedAgain++;
          const page = after;
          await eventually(() => proxied.busy() === 0 && page.calls.every((c) => c.result !== null), 'the backend to finish');
          return judge(counts, proxied.ledger, order, viewOf(second));
        },
      );
      if (outcome === 'stuck') counts.stuck++;
      first.dispose();
      (second as Conversation | null)?.dispose();
      before.kill();
      (after as Page | null)?.kill();
      await proxied.close();
    }
    console.log(`fault injection, reload (seed ${scenario.seed}): ${JSON.stringify(counts)}`);
    expect(counts.duplicated, scenario.report()).toBe(0);
    expect(counts.lost, scenario.report()).toBe(0);
    expect(scenario.failures, scenario.report()).toHaveLength(0);
  }, 180_000);

  it('reset, forget or close while a refund waits for the connection: nothing is sent for the abandoned session', async () => {
    const scenario = new Scenario('reset-offline', 20261203, 70);
    const counts = { runs: 0, ...verdictCounts(), reset: 0, forget: 0, dispose: 0, stayed: 0, sentAfterAbandon: 0, madeForAbandoned: 0, shownAfterAbandon: 0, stuck: 0 };
    const ABANDON = ['reset', 'forget', 'dispose', 'stay'] as const;
    const OFFLINE = ['before the visitor confirms', 'as the first attempt is cut off'] as const;
    for (const run of scenario.runs()) {
      const d = scenario.draw(run);
      const order = d.pick(ORDERS);
      const abandon = d.pick(ABANDON);
      const offline = d.pick(OFFLINE);
      const faults = conversationFaults(d, offline === OFFLINE[1] ? 'drop-before' : undefined);
      const schedule = () => `order ${order}, offline ${offline}, then ${abandon}, refund requests meet [${faults.join(', ')}]`;
      counts.runs++;
      counts[abandon === 'stay' ? 'stayed' : abandon]++;
      const proxied = await proxy.newRun({ schedule: faults });
      const page = pageFor(proxied.url, d);
      const locks = sharedLocks();
      const chat = openChat(page, new IDBFactory(), { locks });
      if (offline === OFFLINE[1]) {
        proxied.onArrival = () => {
          if (proxied.arrivals.length === 1) page.network.setOnline(false);
        };
      }
      const outcome = await attempt(
        scenario,
        run,
        schedule,
        () => [chat],
        async () => {
          await chat.start();
          await askForRefund(chat, order);
          if (offline === OFFLINE[0]) page.network.setOnline(false);
          confirm(chat);
          await eventually(() => chat.messages.value.some((m) => m.from === 'bot' && classify(m.text) === 'offline'), 'the bot to say it will send the request once online');
          const session = page.calls[0]!.call.sessionId;
          const sentBefore = page.sent.length;
          // forget() is not awaited before the connection comes back: it may rightly wait for the turn to give up.
          const forgetting = { done: false, error: null as unknown };
          if (abandon === 'reset') chat.reset();
          else if (abandon === 'dispose') chat.dispose();
          else if (abandon === 'forget') {
            chat.forget().then(
              () => (forgetting.done = true),
              (error: unknown) => Object.assign(forgetting, { done: true, error }),
            );
            await within(QUIET_MS, () => forgetting.done);
          }
          page.network.setOnline(true);
          if (abandon === 'forget') await eventually(() => forgetting.done, 'forget() to finish');

          if (abandon === 'stay') {
            await eventually(() => ['done', 'failed'].includes(classify(lastBot(chat)?.text ?? '')) && !chat.typing.value, 'the outcome once the connection is back');
            await eventually(() => proxied.busy() === 0, 'the backend to finish');
            return judge(counts, proxied.ledger, order, viewOf(chat));
          }
          // A queued request would go out as soon as the connection is back: watch the page briefly.
          // The queued action only: forget() may rightly ask the backend to forget the session too.
          const leftForAbandoned = () => page.sent.slice(sentBefore).filter((s) => s.sessionId === session && s.action === 'create_refund');
          await within(QUIET_MS, () => leftForAbandoned().length > 0 || page.calls.every((c) => c.result !== null));
          await eventually(() => proxied.busy() === 0, 'the backend to finish');
          const problems: string[] = forgetting.error ? [`forget() failed: ${String(forgetting.error)}`] : [];
          const late = leftForAbandoned();
          if (late.length > 0) {
            counts.sentAfterAbandon++;
            problems.push(`${late.length} request(s) (${late.map((s) => s.action).join(', ')}) went out for the abandoned session after ${abandon}`);
          }
          const made = proxied.ledger.executions.filter((e) => e.sessionId === session && e.outcome === 'executed').length;
          if (made > 0) {
            counts.madeForAbandoned++;
            problems.push(`the backend made ${made} refund(s) for the abandoned session`);
          }
          if (abandon !== 'dispose') {
            // The fresh conversation shows nothing of the abandoned one.
            const shown = texts(chat).filter((t) => t !== GREETING);
            if (shown.length > 0) {
              counts.shownAfterAbandon++;
              problems.push(`after ${abandon} the visitor sees: ${shown.join(' | ')}`);
            }
          }
          return problems;
        },
      );
      if (outcome === 'stuck') counts.stuck++;
      chat.dispose();
      page.kill();
      await proxied.close();
    }
    console.log(`fault injection, reset-offline (seed ${scenario.seed}): ${JSON.stringify(counts)}`);
    expect(counts.sentAfterAbandon, scenario.report()).toBe(0);
    expect(counts.duplicated, scenario.report()).toBe(0);
    expect(counts.lost, scenario.report()).toBe(0);
    expect(scenario.failures, scenario.report()).toHaveLength(0);
  }, 180_000);

  it('two tabs: the visitor confirms in one and types or confirms in the other meanwhile', async () => {
    const scenario = new Scenario('two-tabs', 20261204, 70);
    const counts = { runs: 0, ...verdictCounts(), tabsDisagree: 0, stuck: 0, faultsInjected: 0 };
    const MOMENTS = ['at once', 'once the request reached the proxy', 'once the backend made the refund'] as const;
    const MEANWHILE = ['confirms there too', 'types yes', 'asks if anyone is there', 'asks for the refund again'] as const;
    for (const run of scenario.runs()) {
      const d = scenario.draw(run);
      const order = d.pick(ORDERS);
      const faults = conversationFaults(d, d.pick<Fault>(['hold', 'drop-after', 'slow', 'pass', ...FAULTS]));
      const moment = d.pick(MOMENTS);
      const meanwhile = d.pick(MEANWHILE);
      const schedule = () => `order ${order}, refund requests meet [${faults.join(', ')}], tab 2 ${meanwhile} ${moment}`;
      counts.runs++;
      counts.faultsInjected += faults.length;
      const proxied = await proxy.newRun({ schedule: faults });
      const indexedDB = new IDBFactory();
      const sync = { locks: sharedLocks(), channel: `parley-faults-${scenario.seed}-${run}` };
      const pageA = pageFor(proxied.url, d);
      const pageB = pageFor(proxied.url, d);
      const a = openChat(pageA, indexedDB, sync);
      const b = openChat(pageB, indexedDB, sync);
      const outcome = await attempt(
        scenario,
        run,
        schedule,
        () => [a, b],
        async () => {
          await Promise.all([a.start(), b.start()]);
          await askForRefund(a, order);
          await eventually(() => classify(lastBot(b)?.text ?? '') === 'confirm', 'the other tab to show the confirmation');
          confirm(a);
          const made = () => proxied.ledger.executions.some((e) => e.outcome === 'executed') || pageA.calls.some((c) => c.result !== null);
          if (moment === MOMENTS[1]) await eventually(() => proxied.arrivals.length > 0 || made(), 'the refund request to reach the proxy');
          if (moment === MOMENTS[2]) await eventually(made, 'the backend to make the refund');
          const seenB = b.messages.value.length;
          if (meanwhile === MEANWHILE[0]) confirm(b);
          else if (meanwhile === MEANWHILE[1]) say(b, 'yes');
          else if (meanwhile === MEANWHILE[2]) say(b, 'hello? is anyone there');
          else say(b, `refund ${order} please`);
          const told = (chat: Conversation) => viewOf(chat).done.length > 0 || viewOf(chat).failed > 0;
          await eventually(() => told(a) && !a.typing.value && answered(b, seenB) && sync.locks.idle(), 'both tabs to answer');
          await eventually(() => proxied.busy() === 0 && [...pageA.calls, ...pageB.calls].every((c) => c.result !== null), 'the backend to finish');
          const problems = judge(counts, proxied.ledger, order, viewOf(a));
          const agree = await within(5000, () => JSON.stringify(texts(a)) === JSON.stringify(texts(b)));
          if (!agree) {
            counts.tabsDisagree++;
            problems.push('the two tabs show different conversations');
          }
          return problems;
        },
      );
      if (outcome === 'stuck') counts.stuck++;
      a.dispose();
      b.dispose();
      pageA.kill();
      pageB.kill();
      await proxied.close();
    }
    console.log(`fault injection, two-tabs (seed ${scenario.seed}): ${JSON.stringify(counts)}`);
    expect(counts.duplicated, scenario.report()).toBe(0);
    expect(counts.lost, scenario.report()).toBe(0);
    expect(scenario.failures, scenario.report()).toHaveLength(0);
  }, 180_000);

  // The turn's deadline (30 s by default) is shortened through fulfillmentDeadlineMs, and the client's
  // attempts are longer than it: the turn gives up while an attempt is still out.
  it('slow backend beyond the turn deadline: nothing is sent after the visitor is told, and asking again makes no second refund', async () => {
    const scenario = new Scenario('deadline', 20261205, 40);
    const DEADLINE_MS = 150;
    /** Each attempt of the client may take longer than the whole turn may. */
    const ATTEMPT_MS = 300;
    /** Beyond the turn's deadline, within the client's timeout: the backend answers, too late for the turn. */
    const SLOW_MS = 250;
    const counts = { runs: 0, toldFailedFirst: 0, ...verdictCounts(), sentAfterGivingUp: 0, stuck: 0 };
    for (const run of scenario.runs()) {
      const d = scenario.draw(run);
      const order = d.pick(ORDERS);
      // The first attempt outlasts the deadline: answered late, timed out (then retried), or held.
      const faults: Fault[] = [d.pick<Fault>(['slow', 'timeout', 'hold']), ...faultsOf(d, d.between(0, 1), ['pass', '500'])];
      const schedule = () => `order ${order}, turn deadline ${DEADLINE_MS} ms, attempts time out after ${ATTEMPT_MS} ms, slow answers after ${SLOW_MS} ms, refund requests meet [${faults.join(', ')}]`;
      counts.runs++;
      const proxied = await proxy.newRun({ schedule: faults, slowMs: SLOW_MS });
      const page = openPage({ url: proxied.url, timeoutMs: ATTEMPT_MS, retries: PAGE_RETRIES, random: d.random });
      const locks = sharedLocks();
      const chat = openChat(page, new IDBFactory(), { locks }, { fulfillmentDeadlineMs: DEADLINE_MS });
      const outcome = await attempt(
        scenario,
        run,
        schedule,
        () => [chat],
        async () => {
          await chat.start();
          await askForRefund(chat, order);
          confirm(chat);
          const problems: string[] = [];
          if ((await settled(chat, locks.idle)) === 'failed') {
            // Told it failed: the client must let go of the request, with nothing more sent for it.
            counts.toldFailedFirst++;
            const toldAt = page.sent.length;
            const firstKey = page.sent[0]?.requestId;
            await eventually(() => page.calls.every((c) => c.result !== null) && proxied.busy() === 0, 'the client to let go of the request');
            const late = page.sent.slice(toldAt).filter((s) => s.requestId === firstKey);
            if (late.length > 0) {
              counts.sentAfterGivingUp++;
              problems.push(`${late.length} attempt(s) went out after the visitor was told the refund failed`);
            }
            // A visitor told it failed asks again: that must not make a second refund.
            await askForRefund(chat, order);
            await carryOn(chat, locks.idle, 1);
          }
          await eventually(() => proxied.busy() === 0 && page.calls.every((c) => c.result !== null), 'the backend to finish');
          return [...problems, ...judge(counts, proxied.ledger, order, viewOf(chat))];
        },
      );
      if (outcome === 'stuck') counts.stuck++;
      chat.dispose();
      page.kill();
      await proxied.close();
    }
    console.log(`fault injection, deadline (seed ${scenario.seed}): ${JSON.stringify(counts)}`);
    expect(counts.duplicated, scenario.report()).toBe(0);
    expect(counts.lost, scenario.report()).toBe(0);
    expect(scenario.failures, scenario.report()).toHaveLength(0);
  }, 180_000);
});
