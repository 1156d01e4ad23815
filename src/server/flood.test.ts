/**
 * A flood against `createFulfillmentHandler` behind `toNodeListener` on a real http server on
 * loopback, in a child process (src/server/flood-server.ts) whose memory is sampled: 100 MB bodies
 * with and without Content-Length, 10,000 requests under random idempotency keys, 50 clients
 * trickling a byte at a time, while a visitor's real requests keep being asked and replayed.
 *
 * Bounds: the server's peak resident size grows by less than 96 MB over its size after warm-up, so
 * not one 100 MB body was ever held (the handler that buffered them peaked 586 MB higher; this one
 * measures 20-55 MB, most of it the garbage collector letting the heap grow under 10,000 requests
 * before collecting), and its heap after a full collection by less than 16 MB (the 10,000 kept
 * answers measure about 3 MB). Every request must get its right answer. Nothing here is timed: a
 * loaded machine makes it slower, not wrong (the durations are printed, not checked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloodServerMemory, FloodServerMessage } from './flood-server';

const MB = 1024 * 1024;
const BODY_TIMEOUT_MS = 2000;
const SLOW_CLIENTS = 50;
const RANDOM_KEYS = 10_000;

let child: ChildProcess;
let port = 0;

function nextMessage<T>(pick: (message: FloodServerMessage) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FloodServerMessage) => {
      const value = pick(message);
      if (value === undefined) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(value);
    };
    const onExit = (code: number | null) => reject(new Error(`the flood server exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function memory(): Promise<FloodServerMemory> {
  const answer = nextMessage((message) => ('memory' in message ? message.memory : undefined));
  child.send('memory');
  return answer;
}

beforeAll(async () => {
  child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./flood-server.ts', import.meta.url))], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, FLOOD_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) },
  });
  port = await nextMessage((message) => ('port' in message ? message.port : undefined));
}, 60_000);

afterAll(() => {
  child.kill();
});

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One POST with a small JSON body: the status, the parsed answer and whether it was a replay. */
function post(body: string, key: string, via = agent): Promise<{ status: number; json: unknown; replayed: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: "/api/fulfillment", agent: via, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown, replayed: res.headers['idempotent-replayed'] === 'true' }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const request = (action: string, orderId: string) => JSON.stringify({ protocol: 1, action, sessionId: 'flood', requestId: 'r', slots: { order_id: orderId }, intent: null, entities: [], locale: 'en' });

/**
 * A 100 MB body, sent from one reused megabyte as fast as the server takes it, on a keep-alive
 * connection as a browser's; resolves with the status the server answered.
 */
function hugeBody(withLength: boolean): Promise<number | 'no answer'> {
  return new Promise((resolve) => {
    let status: number | 'no answer' = 'no answer';
    let over = false;
    const megabyte = Buffer.alloc(MB, 0x20);
    const own = new Agent({ keepAlive: true, maxSockets: 1 });
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/fulfillment',
      agent: own,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID(), ...(withLength && { 'Content-Length': 100 * MB }) },
    });
    const finish = () => {
      over = true;
      req.destroy();
      own.destroy();
      resolve(status);
    };
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', finish);
    req.on('close', finish);
    let sent = 0;
    const pump = () => {
      while (!over && sent < 100) {
        sent++;
        if (!req.write(megabyte)) return void req.once('drain', pump);
      }
      if (!over) req.end();
    };
    pump();
  });
}

/** A client that declares 1000 bytes and sends one every 250 ms: what it was answered, and whether the server hung up. */
function slowClient(): Promise<{ status: number | 'no answer'; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let gaveUp = false;
    const trickle = setInterval(() => socket.destroyed || socket.write('x'), 250);
    // Far past the server's 2 s deadline: only a server that never answers gets here.
    const giveUp = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, 30_000);
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(trickle);
      clearTimeout(giveUp);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      resolve({ status: status ? Number(status) : 'no answer', closed: !gaveUp });
    });
    socket.write(`POST /api/fulfillment HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nIdempotency-Key: ${randomUUID()}\r\nContent-Length: 1000\r\n\r\n`);
  });
}

/** 10,000 requests under fresh random keys, 16 at a time: known orders, an unknown one, unknown actions, broken JSON. */
async function randomKeys(): Promise<{ wrong: string[]; answered: number }> {
  const wrong: string[] = [];
  let next = 0;
  let answered = 0;
  const one = async (i: number) => {
    const kind = i % 10;
    const key = randomUUID();
    const [body, expected]: [string, [number, unknown]] =
      kind < 5
        ? [request('order_status', 'A12345'), [200, { status: 'ok', slots: { order_state: 'shipped' } }]]
        : kind < 7
          ? [request('order_status', 'Z99999'), [200, { status: 'error', message: 'we have no such order' }]]
          : kind < 9
            ? [request(`drop_${key}`, 'A12345'), [404, { status: 'error', message: expect.stringMatching(/^this site cannot do/) }]]
            : ['{"protocol": 1, "action": ', [400, { status: 'error', message: 'the request is not valid JSON' }]];
    const { status, json } = await post(body, key);
    answered++;
    if (!isEqual([status, json], expected)) wrong.push(`request ${i}: ${status} ${JSON.stringify(json)}`);
  };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < RANDOM_KEYS) await one(next++);
    }),
  );
  return { wrong, answered };
}

function isEqual(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}

describe('the server helper under a flood', () => {
  it('holds its memory and keeps answering real requests correctly', async () => {
    // Warm-up, 16 at a time as in the flood: the code is compiled and the heap has its working size before the baseline.
    let warm = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (warm++ < 2000) await post(request('order_status', 'B77777'), randomUUID());
      }),
    );
    const before = await memory();

    let flooding = true;
    const visitor = (async () => {
      const wrong: string[] = [];
      let asked = 0;
      const own = new Agent({ keepAlive: true, maxSockets: 1 });
      while (flooding) {
        const key = randomUUID();
        for (const attempt of ['first', 'replay']) {
          const answer = await post(request('order_status', 'B77777'), key, own);
          const right = answer.status === 200 && isEqual(answer.json, { status: 'ok', slots: { order_state: 'delivered' } }) && answer.replayed === (attempt === 'replay');
          if (!right) wrong.push(`${attempt}: ${answer.status} ${JSON.stringify(answer.json)} replayed=${answer.replayed}`);
        }
        asked++;
      }
      own.destroy();
      return { wrong, asked };
    })();

    const started = Date.now();
    const took: Record<string, number> = {};
    const timed = async <T>(name: string, work: Promise<T>): Promise<T> => {
      const result = await work;
      took[name] = Date.now() - started;
      return result;
    };
    const [huge, keys, slow] = await Promise.all([
      timed(
        'huge bodies',
        (async () => {
          const statuses: Array<number | 'no answer'> = [];
          for (const withLength of [true, false, true, false, true, false, true, false]) statuses.push(await hugeBody(withLength));
          return statuses;
        })(),
      ),
      timed('random keys', randomKeys()),
      timed('slow clients', Promise.all(Array.from({ length: SLOW_CLIENTS }, slowClient))),
    ]);
    flooding = false;
    const real = await visitor;
    const after = await memory();

    const growth = { peakRss: after.maxRss - before.rss, heapAfterGc: after.heapUsed - before.heapUsed };
    console.log(
      `flood: before rss ${(before.rss / MB).toFixed(1)} MB (peak ${(before.maxRss / MB).toFixed(1)}), heap ${(before.heapUsed / MB).toFixed(1)} MB; ` +
        `after peak rss ${(after.maxRss / MB).toFixed(1)} MB, heap ${(after.heapUsed / MB).toFixed(1)} MB; ` +
        `growth: peak rss ${(growth.peakRss / MB).toFixed(1)} MB, heap ${(growth.heapAfterGc / MB).toFixed(1)} MB; ${real.asked} real requests asked meanwhile; done after ${JSON.stringify(took)} ms`,
    );
    expect(growth.peakRss).toBeLessThan(96 * MB);
    expect(growth.heapAfterGc).toBeLessThan(16 * MB);
    expect(huge).toEqual(Array(8).fill(413));
    expect(keys.wrong.slice(0, 5)).toEqual([]);
    expect(keys.answered).toBe(RANDOM_KEYS);
    expect(slow).toEqual(Array(SLOW_CLIENTS).fill({ status: 408, closed: true }));
    expect(real.wrong.slice(0, 5)).toEqual([]);
    expect(real.asked).toBeGreaterThan(0);
  }, 120_000);
});
