/**
 * A real HTTP server on 127.0.0.1, port 0, for channel and end-to-end tests (style "Tests": real
 * servers, not mocked clients). It records every request and plays scripted responses.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Wait this long after the request body has arrived before answering. */
  delayMs?: number;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** Lowercase names, as Node parses them. */
  headers: IncomingHttpHeaders;
  /** The raw body bytes: what a signature covers. */
  body: Buffer;
  /** `Date.now()` when the body had fully arrived. */
  receivedAt: number;
  /** The route key that answered it (see {@link Receiver.route}); absent for scripted requests. */
  route?: string;
}

/** Answers every request to one path: a fixed response or one computed from the request. */
export type RouteHandler = ScriptedResponse | ((req: ReceivedRequest) => ScriptedResponse);

export interface ReceiverOptions {
  /** The answer once the script is used up. @defaultValue `{ status: 200 }` */
  defaultResponse?: ScriptedResponse;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>`, without a trailing slash: append any path. */
  readonly url: string;
  /** Every request so far, oldest first (a live array). */
  readonly requests: ReceivedRequest[];
  /** How many responses have been sent (slow responses count once written). */
  readonly responded: number;
  /** Queues responses for the next requests, in order; then the default response applies. */
  script(...responses: ScriptedResponse[]): void;
  /**
   * Answers requests whose path (without the query) equals `path` with `handler`, ahead of the
   * script: the token or lookup step of a multi-request flow. `path` may carry a method,
   * `GET /api/now/table/incident`: then only that method is routed (it wins over a bare path), and
   * other methods to the path fall through to the script. Routes last until `reset()`.
   */
  route(path: string, handler: RouteHandler): void;
  /** Requests the script or default answered, i.e. not a route's. */
  readonly scripted: ReceivedRequest[];
  /** Resolves with the requests once at least `n` have arrived; rejects after `timeoutMs`. */
  waitForRequests(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Forgets recorded requests and the remaining script. */
  reset(): void;
  /** Stops the server, dropping open connections and pending slow responses. */
  close(): Promise<void>;
}

/** Kept for readers who look for the class-like name. */
export type TestReceiver = Receiver;

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const defaultResponse = options.defaultResponse ?? { status: 200 };
  const requests: ReceivedRequest[] = [];
  const queue: ScriptedResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  const routes = new Map<string, RouteHandler>();
  let responded = 0;

  const respond = (res: ServerResponse, response: ScriptedResponse): void => {
    // The client may have given up (timeout test): nothing left to answer.
    if (res.destroyed || res.socket === null || res.socket.destroyed) return;
    res.writeHead(response.status, response.headers);
    res.end(response.body);
    responded += 1;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const bare = path.split('?')[0]!;
      // `METHOD path` first, so a flow with a lookup and a create on one path can route one of them.
      const routeKey = [`${req.method ?? ''} ${bare}`, bare].find((key) => routes.has(key));
      const route = routeKey === undefined ? undefined : routes.get(routeKey);
      const received: ReceivedRequest = { method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks), receivedAt: Date.now() };
      if (routeKey !== undefined) received.route = routeKey;
      requests.push(received);
      for (const wake of waiters) wake();
      const response = route === undefined ? (queue.shift() ?? defaultResponse) : typeof route === 'function' ? route(received) : route;
      if (!response.delayMs) return respond(res, response);
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond(res, response);
      }, response.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get responded() {
      return responded;
    },
    script(...responses) {
      queue.push(...responses);
    },
    route(path, handler) {
      routes.set(path, handler);
    },
    get scripted() {
      return requests.filter((r) => r.route === undefined);
    },
    waitForRequests(n, timeoutMs = 5_000) {
      if (requests.length >= n) return Promise.resolve([...requests]);
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (requests.length < n) return;
          cleanup();
          resolve([...requests]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${n} request(s) within ${timeoutMs} ms, received ${requests.length}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    reset() {
      requests.length = 0;
      routes.clear();
      queue.length = 0;
      responded = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
