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

/** After a refusal, a client that neither reads its answer nor hangs up is cut off after this. */
const REFUSED_SOCKET_GRACE_MS = 2000;

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
      // Connection: close makes Node end the connection once the answer is out: the rest of the body is never read.
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
        ...(status === 408 && { 'Retry-After': String(SERVER_DEFAULTS.retryAfterSeconds) }),
      });
      res.end(body);
      setTimeout(() => req.socket.destroy(), REFUSED_SOCKET_GRACE_MS).unref();
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
