import { connect } from 'node:net';
import type { Config } from './config.js';

/**
 * Whether something accepts a TCP connection on host:port within `timeoutMs`; with `probe`, it
 * must also answer `probe.send` with a reply that `probe.reply` matches.
 */
export function answers(host: string, port: number, probe?: { send: string; reply: RegExp }, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => (probe ? socket.write(probe.send) : done(true)));
    socket.once('data', (chunk: Buffer) => done(probe ? probe.reply.test(chunk.toString('latin1')) : true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** A Redis answers PING with PONG, or refuses it for want of a password: either way it is one. */
const REDIS_PING = { send: 'PING\r\n', reply: /^(\+PONG|-NOAUTH)/ };

/** host and port of a redis:// or postgresql:// URL (the protocol's default port when none is given). */
export function addressOf(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1', port: u.port ? Number(u.port) : defaultPort };
}

/**
 * The queue store when TOCSIN_QUEUE is not set: Redis when REDIS_URL (or REDIS_CLUSTER_NODES) is
 * given or a Redis answers at REDIS_URL's default address, else PostgreSQL. `reason` says why, for
 * the start-up line.
 */
export async function resolveQueueKind(config: Config, env: Record<string, string | undefined> = process.env): Promise<{ kind: 'redis' | 'postgres'; reason: string }> {
  if (config.TOCSIN_QUEUE) return { kind: config.TOCSIN_QUEUE, reason: 'TOCSIN_QUEUE is set' };
  if (env.REDIS_URL || env.REDIS_CLUSTER_NODES) return { kind: 'redis', reason: 'REDIS_URL is set' };
  const { host, port } = addressOf(config.REDIS_URL, 6379);
  if (await answers(host, port, REDIS_PING)) return { kind: 'redis', reason: `a Redis answers at ${host}:${port}` };
  return { kind: 'postgres', reason: `no REDIS_URL and nothing answers at ${host}:${port}` };
}
