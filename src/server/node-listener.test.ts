import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toNodeListener, type NodeListenerOptions } from './node-listener';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server on loopback around a handler that answers ok and counts its calls. */
async function serve(options?: NodeListenerOptions) {
  const handler = vi.fn(async (request: Request) => new Response(JSON.stringify({ status: 'ok', bytes: (await request.arrayBuffer()).byteLength }), { headers: { 'Content-Type': 'application/json' } }));
  server = createServer(toNodeListener(handler, options));
  /** Bytes the server read from each connection, known once it closed. */
  const bytesRead: number[] = [];
  server.on('connection', (socket: Socket) => socket.on('close', () => bytesRead.push(socket.bytesRead)));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { handler, bytesRead, port: (server.address() as AddressInfo).port };
}

/**
 * A raw client: sends `head`, then what `feed` writes, and resolves with what the server answered
 * and whether it closed the connection; 'no answer' when nothing came within `ms`.
 */
function rawRequest(port: number, head: string, feed: (socket: Socket) => void, ms = 4000): Promise<{ status: number | 'no answer'; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let status: number | 'no answer' = 'no answer';
    const timer = setTimeout(() => finish(false), ms);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, closed });
    };
    socket.on('data', (data) => {
      received += data.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) status = Number(match[1]);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
    socket.write(head);
    feed(socket);
  });
}

const head = (headers: string) => `POST /api/fulfillment HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nIdempotency-Key: k1\r\n${headers}\r\n`;

describe('toNodeListener', () => {
  it('passes a request with its body to the handler', async () => {
    const { handler, port } = await serve();
    const response = await fetch(`http://127.0.0.1:${port}/api/fulfillment`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a": 1}' });
    expect(await response.json()).toEqual({ status: 'ok', bytes: 8 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('refuses a Content-Length above the limit at once, without waiting for the body, and closes the connection', async () => {
    const { handler, port } = await serve();
    const answer = await rawRequest(port, head(`Content-Length: ${100 * 1024 * 1024}\r\n`), (socket) => socket.write('{"protocol"'));
    expect(answer).toEqual({ status: 413, closed: true });
    expect(handler).not.toHaveBeenCalled();
  });

  it('stops reading a chunked body once it passes the limit (64 KiB by default, as the handler), answers 413 and closes', async () => {
    const { handler, bytesRead, port } = await serve();
    const megabyte = 1024 * 1024;
    const chunk = Buffer.concat([Buffer.from(`${megabyte.toString(16)}\r\n`), Buffer.alloc(megabyte, 0x20), Buffer.from('\r\n')]);
    const answer = await rawRequest(port, head('Transfer-Encoding: chunked\r\n'), (socket) => {
      let sent = 0;
      const pump = () => {
        while (sent < 100 && !socket.destroyed) {
          sent++;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        if (!socket.destroyed) socket.write('0\r\n\r\n');
      };
      pump();
    });
    expect(answer).toEqual({ status: 413, closed: true });
    expect(handler).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(bytesRead).toHaveLength(1));
    // After its answer it drops at most 16 MB more of a client that does not listen, then cuts it off.
    expect(bytesRead[0]).toBeLessThan(20 * 1024 * 1024);
  });

  it('takes its limit as an option', async () => {
    const { handler, port } = await serve({ maxBodyBytes: 10 });
    const response = await fetch(`http://127.0.0.1:${port}/api/fulfillment`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"protocol": 1}' });
    expect([response.status, await response.json()]).toEqual([413, { status: 'error', message: 'the request is too large' }]);
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 408 and closes when the body trickles in past the deadline (a slow client)', async () => {
    const { handler, port } = await serve({ bodyTimeoutMs: 300 });
    let trickle: ReturnType<typeof setInterval> | undefined;
    const answer = await rawRequest(port, head('Content-Length: 1000\r\n'), (socket) => {
      trickle = setInterval(() => socket.destroyed || socket.write('x'), 50);
    });
    clearInterval(trickle);
    expect(answer).toEqual({ status: 408, closed: true });
    expect(handler).not.toHaveBeenCalled();
  });

  it('a client that goes away mid-body reaches no handler, and is no error to log', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { handler, bytesRead, port } = await serve();
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(head('Content-Length: 1000\r\n'));
        socket.end('{"proto', resolve);
      });
    });
    await vi.waitFor(() => expect(bytesRead).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handler).not.toHaveBeenCalled();
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });
});
