import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { get, type IncomingMessage, type Server } from 'node:http';
import express from 'express';
import type { EventRecord } from '@tocsin/catalog';
import type { Database } from '@tocsin/db';
import { createLogger } from '@tocsin/config';
import { errorHandler } from '../../apps/api/src/errors.js';
import { CursorCodec, type CursorState } from '../../apps/api/src/events/cursor.js';
import { STREAM_BATCH, streamNdjson } from '../../apps/api/src/events/ndjson.js';
import type { Page } from '../../apps/api/src/events/reader.js';
import { eventsRouter } from '../../apps/api/src/events/router.js';
import { eventually } from '../support/system.js';

// The Events API's HTTP layer without a database: what it must do before, or instead of, reading.

const logger = createLogger('silent');
const tenantId = '7b0f3c1e-2d4a-4c5b-9e6f-0a1b2c3d4e5f';

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('a bad cursor is refused before anything is read', () => {
  const key = randomBytes(32);
  let queries = 0;
  const withTenant = async () => {
    queries += 1;
    throw new Error('the database must not be touched');
  };
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.use((req, _res, next) => {
      req.id = 'test';
      req.principal = { tenantId, scopes: ['events:read'], plan: 'enterprise' };
      next();
    });
    app.use(eventsRouter({ db: { withTenant } as unknown as Database, logger, cursorKey: key }));
    app.use(errorHandler(logger));
    ({ server, url } = await listen(app));
  });
  afterAll(async () => close(server));

  const valid = () => new CursorCodec(key).encode(tenantId, { window: { from: null, to: null }, after: { txid: '1000', seq: '5' }, hi: null });

  test.each([
    ['forged', () => 'eyJ2IjoxfQ.AAAA'],
    ['re-signed with another key', () => new CursorCodec(randomBytes(32)).encode(tenantId, { window: { from: null, to: null }, after: { txid: '1', seq: '0' }, hi: null })],
    ['issued to another tenant', () => new CursorCodec(key).encode(randomUUID(), { window: { from: null, to: null }, after: { txid: '1', seq: '0' }, hi: null })],
    ['altered', () => { const [b, m] = valid().split('.'); return `${b!.slice(0, -2)}fQ.${m}`; }],
  ])('%s → 400 invalid_cursor, no query', async (_name, make) => {
    const res = await fetch(`${url}/events/v1?cursor=${encodeURIComponent(make())}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_cursor');
    expect(queries).toBe(0);
  });

  test('the codec round-trips what it issued', () => {
    const state: CursorState = { window: { from: new Date('2026-06-01T00:00:00Z'), to: null }, after: { txid: '18446744073709551615', seq: '9223372036854775807' }, hi: '123' };
    const codec = new CursorCodec(key);
    expect(codec.decode(tenantId, codec.encode(tenantId, state))).toEqual(state);
  });
});

describe('NDJSON streaming', () => {
  const record = (n: number): string => JSON.stringify({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    tenant_id: tenantId,
    action: 'custom.stream',
    title: 'custom.stream',
    category: null,
    severity: 'low',
    level: null,
    actor: { id: 'u1', type: 'user', name: 'someone with a fairly long display name' },
    resource: null,
    source_ip: '192.0.2.1',
    detail: { n, padding: 'x'.repeat(200) },
    occurred_at: '2026-06-01T00:00:00.000Z',
    received_at: '2026-06-01T00:00:00.000Z',
  } satisfies EventRecord);
  /** An endless source: every read returns a full batch and a next position. */
  function endless() {
    let reads = 0;
    const page = (i: number): Page => ({
      records: Array.from({ length: STREAM_BATCH }, (_, j) => record(i * STREAM_BATCH + j)),
      next: { window: { from: null, to: null }, after: { txid: String(i + 1), seq: '0' }, hi: null },
    });
    return { page, read: async () => page(++reads), get reads() { return reads; } };
  }

  test('writes with backpressure: a client that stops reading stops the reads; a disconnect ends the stream', async () => {
    const source = endless();
    let finished: Promise<void> | undefined;
    let response: import('node:http').ServerResponse | undefined;
    // Watched at every read: a read while the response waits for 'drain' is reading ahead, and a
    // read after the stream has ended is a leak. Counted, so no wait is needed to catch either.
    let readsWhileBlocked = 0;
    let readsAfterEnd = 0;
    let ended = false;
    const read = async () => {
      if (response!.writableNeedDrain) readsWhileBlocked += 1;
      if (ended) readsAfterEnd += 1;
      return source.read();
    };
    const app = express();
    app.get('/stream', (_req, res) => {
      response = res;
      finished = streamNdjson(res, source.page(0), read, () => 'cursor', logger);
    });
    const { server, url } = await listen(app);
    try {
      const res = await new Promise<IncomingMessage>((resolve) => get(`${url}/stream`, resolve));
      res.pause(); // a slow client: read nothing
      // The positive signal: the socket buffers are full and the response waits for 'drain'.
      await eventually(async () => (response?.writableNeedDrain ? true : undefined), 10_000, 'the response to wait for drain');
      const stalled = source.reads;
      expect(stalled).toBeGreaterThan(0);
      expect(stalled).toBeLessThan(100); // bounded by socket buffers, not by the (endless) source
      expect(readsWhileBlocked).toBe(0); // waiting for 'drain', not reading ahead

      res.resume();
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        for (const b of chunk) if (b === 10) lines += 1;
      });
      // Reading again once the client reads (polled: a loaded machine may take longer than a fixed wait).
      await eventually(async () => (source.reads > stalled ? true : undefined), 10_000, 'reads to resume');
      res.destroy(); // the client goes away
      await finished;
      ended = true;
      expect(lines).toBeGreaterThan(0);
    } finally {
      await close(server);
    }
    expect(readsWhileBlocked).toBe(0);
    expect(readsAfterEnd).toBe(0);
  });

  test('a failure after the first batch aborts the response instead of ending it cleanly', async () => {
    const source = endless();
    const app = express();
    app.get('/stream', (_req, res) => {
      void streamNdjson(res, source.page(0), async () => {
        throw new Error('database went away');
      }, () => 'cursor', logger);
    });
    const { server, url } = await listen(app);
    try {
      const outcome = await new Promise<string>((resolve) => {
        get(`${url}/stream`, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve('clean end'));
          res.on('error', () => resolve('aborted'));
          res.on('aborted', () => resolve('aborted'));
        }).on('error', () => resolve('aborted'));
      });
      expect(outcome).toBe('aborted');
    } finally {
      await close(server);
    }
  });
});
