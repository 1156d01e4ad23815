/**
 * A `(Request) => Promise<Response>` handler as a Node `http` listener, for servers without a
 * Fetch-API adapter of their own (Express and Fastify can call the handler directly the same way).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function toNodeListener(handler: (request: Request) => Promise<Response>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
        else if (Array.isArray(value)) headers.set(name, value.join(', '));
      }
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const response = await handler(new Request(url, { method: req.method ?? 'GET', headers, ...(hasBody && { body: Buffer.concat(chunks) }) }));
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      console.error('[parley/server] the request could not be handled:', error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}
