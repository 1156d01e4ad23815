/**
 * A `(Request) => Promise<Response>` handler as a Node `http` listener, for servers without a
 * Fetch-API adapter of their own (Express and Fastify can call the handler directly the same way).
 * It holds at most `maxBodyBytes` of a body and waits at most `bodyTimeoutMs` for it: a larger or
 * slower body is refused (413, 408) and its connection closed, before the handler sees it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVER_DEFAULTS } from './fulfillment-handler';

export interface NodeListenerOptions {
  /** Larger bodies are refused with 413, unread when Content-Length says so (default 64 KiB, as the handler). */
  maxBodyBytes?: number;
  /** A body not fully arrived after this (from the end of the headers) is refused with 408 (default 10 s). */
  bodyTimeoutMs?: number;
  /** Told when the handler throws (the client gets an empty 500). */
  onError?: (error: unknown) => void;
}

/** After a refusal, what a client still sends is dropped, for at most this long and this many bytes; then the connection is cut. */
const LINGER_MS = 2000;
const LINGER_BYTES = 16 * 1024 * 1024;

/**
 * Closes a refused request's connection once the client can have read the answer: what it still
 * sends is dropped unread, and the connection ends with its request, or is cut after LINGER_MS or
 * LINGER_BYTES. Cutting at once, with the client's bytes still arriving, resets the connection, and
 * a reset can swallow the answer before the client reads it (RFC 9112, 9.6). (A client that sent
 * "Connection: close" is cut by Node itself once the answer is out.)
 */
function closeInStages(req: IncomingMessage): void {
  const socket = req.socket;
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) socket.destroy();
  });
  req.once('end', () => socket.end());
  req.resume();
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
}

export function toNodeListener(handler: (request: Request) => Promise<Response>, options: NodeListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? SERVER_DEFAULTS.maxBodyBytes;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? SERVER_DEFAULTS.bodyTimeoutMs;
  const onError = options.onError ?? ((error: unknown) => console.error('[parley/server] the request could not be handled:', error));

  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const timer = setTimeout(() => refuse(408), bodyTimeoutMs);

    const stop = () => {
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      chunks.length = 0;
    };
    const refuse = (status: 408 | 413) => {
      if (settled) return;
      stop();
      req.pause();
      const body = JSON.stringify(
        status === 413
          ? { status: 'error', message: 'the request is too large' }
          : { status: 'retry', retryAfterSeconds: SERVER_DEFAULTS.retryAfterSeconds, message: 'the request took too long to arrive' },
      );
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        ...(status === 408 && { 'Retry-After': String(SERVER_DEFAULTS.retryAfterSeconds) }),
      });
      res.end(body);
      res.once('finish', () => closeInStages(req));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) return refuse(413);
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      const body = Buffer.concat(chunks, size);
      stop();
      respond(body).catch((error: unknown) => {
        onError(error);
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    };

    async function respond(body: Buffer<ArrayBuffer>): Promise<void> {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
        else if (Array.isArray(value)) headers.set(name, value.join(', '));
      }
      const url = new URL(req.url ?? '/', `http://${URL.canParse(`http://${req.headers.host}`) ? req.headers.host : 'localhost'}`);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const response = await handler(new Request(url, { method: req.method ?? 'GET', headers, ...(hasBody && { body }) }));
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(Buffer.from(await response.arrayBuffer()));
    }

    if (Number(req.headers['content-length']) > maxBodyBytes) return refuse(413);
    req.on('data', onData);
    req.on('end', onEnd);
    // The client went away mid-body: nobody to answer, nothing to log.
    req.on('error', stop);
    req.on('close', () => {
      if (!settled) stop();
    });
  };
}
