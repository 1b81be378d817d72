import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportEvents } from '../../apps/cli/src/commands/export.js';
import { main } from '../../apps/cli/src/main.js';
import { untilPastBarrier } from '../support/barrier.js';
import { startSystem, type System } from '../support/system.js';

const SETTLE_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sys: System;
let dir: string;
let tenantId: string;
let writer: string;
let reader: string;
let seeded: string[];
let from: string;
let to: string;

async function post(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < count; done += 1000) {
    const events = Array.from({ length: Math.min(1000, count - done) }, (_, i) => ({ id: randomUUID(), action: i % 3 ? 'custom.export' : 'JIT_APPROVED', detail: { n: done + i } }));
    expect((await sys.request('POST', '/v1/events', writer, { events })).status).toBe(202);
    ids.push(...events.map((e) => e.id));
  }
  return ids;
}

async function storedOrder(): Promise<string[]> {
  const rows = await sys.db.withTenant(tenantId, (tx) => tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM audit_event ORDER BY txid, seq`);
  return rows.map((r) => r.id);
}

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.split('\n').slice(0, -1).map((l) => (JSON.parse(l) as { id: string }).id);
}

beforeAll(async () => {
  sys = await startSystem({ worker: false, config: { TOCSIN_EVENTS_SETTLE_MS: SETTLE_MS } });
  dir = await mkdtemp(join(tmpdir(), 'tocsin-export-'));
  const t = await sys.tenant('enterprise');
  tenantId = t.tenantId;
  writer = await sys.token(tenantId, ['events:write']);
  reader = await sys.token(tenantId, ['events:read']);
  from = new Date(Date.now() - 1_000).toISOString();
  seeded = await post(2_500);
  await sleep(20);
  to = new Date().toISOString();
  await sleep(SETTLE_MS + 50);
  // The interrupted export counts whole pages: none may be cut short by another suite's
  // transaction holding the barrier.
  await untilPastBarrier(sys.db, tenantId);
});
afterAll(async () => {
  await sys?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('`tocsin events export` writes the window as NDJSON in stream order and marks it complete', async () => {
  const out = join(dir, 'full.ndjson');
  const code = await main(['events', 'export', '--from', from, '--to', to, '--out', out, '--token', reader, '--url', sys.url]);
  expect(code).toBe(0);
  const ids = await lines(out);
  expect(ids).toEqual(await storedOrder());
  expect(new Set(ids)).toEqual(new Set(seeded));
  const checkpoint = JSON.parse(await readFile(`${out}.cursor`, 'utf8'));
  expect(checkpoint).toMatchObject({ complete: true, cursor: null, records: 2_500 });

  const again = await exportEvents({ url: sys.url, token: reader, from, to, out });
  expect(again).toEqual({ written: 0, total: 2_500, complete: true });
  expect(await lines(out)).toEqual(ids);
});

test('an interrupted export resumes from its cursor, dropping a half-written page: every record exactly once', async () => {
  const out = join(dir, 'resumed.ndjson');
  let checkpoints = 0;
  const interrupted = exportEvents({
    url: sys.url,
    token: reader,
    from,
    to,
    out,
    pageSize: 400,
    onCheckpoint: () => {
      if (++checkpoints === 2) throw new Error('killed');
    },
  });
  await expect(interrupted).rejects.toThrow('killed');
  expect(await lines(out)).toHaveLength(800);
  // A crash between appending a page and saving its cursor leaves records the cursor does not cover.
  await appendFile(out, '{"id":"half-written page"}\n{"id":"cut off mid');

  const resumed = await exportEvents({ url: sys.url, token: reader, from, to, out, pageSize: 400 });
  expect(resumed).toEqual({ written: 1_700, total: 2_500, complete: true });
  expect(await lines(out)).toEqual(await storedOrder());
});

test('an open-ended export stops when caught up; the next run appends only what arrived since', async () => {
  const out = join(dir, 'tail.ndjson');
  // Other suites' transactions can hold the barrier for a moment: run again until `total` are in.
  const exportUntil = async (total: number) => {
    let written = 0;
    for (let i = 0; i < 50; i++) {
      const result = await exportEvents({ url: sys.url, token: reader, from, out });
      expect(result.complete).toBe(false); // open-ended: never complete
      written += result.written;
      if (result.total >= total) return { ...result, written };
      await sleep(100);
    }
    throw new Error(`never reached ${total}`);
  };
  expect(await exportUntil(2_500)).toEqual({ written: 2_500, total: 2_500, complete: false });
  const more = await post(7);
  expect(await exportUntil(2_507)).toEqual({ written: 7, total: 2_507, complete: false });
  const ids = await lines(out);
  expect(ids.slice(2_500)).toEqual(more);
  expect(ids).toEqual(await storedOrder());
});

test('refuses to overwrite a file it cannot resume, and a cursor with another window', async () => {
  const stray = join(dir, 'stray.ndjson');
  await writeFile(stray, 'something else\n');
  await expect(exportEvents({ url: sys.url, token: reader, from, to, out: stray })).rejects.toThrow(/no .*\.cursor to resume from/);

  const out = join(dir, 'window.ndjson');
  await expect(
    exportEvents({ url: sys.url, token: reader, from, to, out, pageSize: 100, onCheckpoint: () => { throw new Error('stop'); } }),
  ).rejects.toThrow('stop');
  await expect(exportEvents({ url: sys.url, token: reader, from: '2020-01-01', to, out })).rejects.toThrow(/invalid_cursor/);
  expect(await lines(out)).toHaveLength(100);
});
