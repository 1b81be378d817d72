import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { consoleStatic } from './static.js';

async function serve(dir: string) {
  const app = express();
  app.use(consoleStatic(dir));
  app.use((_req, res) => res.status(404).send('fell through'));
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise((r) => server.close(r)) };
}

test('without a build, /console says how to build it', async () => {
  const s = await serve(join(tmpdir(), 'tocsin-no-console-build'));
  try {
    const res = await fetch(`${s.base}/console/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run console:build');
  } finally {
    await s.close();
  }
});

test('serves the build, index.html for client routes, and 404 for a missing asset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  const s = await serve(dir);
  try {
    for (const path of ['/console', '/console/', '/console/integrations/new', '/console/tokens']) {
      const res = await fetch(s.base + path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(await res.text()).toContain('id="root"');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    const js = await fetch(`${s.base}/console/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${s.base}/console/assets/gone.js`)).status).toBe(404);
    expect(await (await fetch(`${s.base}/console/session`)).text()).toBe('fell through'); // the session routes are not files
  } finally {
    await s.close();
  }
});
