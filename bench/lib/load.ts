import { Agent, request } from 'undici';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  statuses: Record<number, number>;
}

/**
 * A closed-loop load generator: `concurrency` loops, each sending the next request as soon as
 * the previous one is answered, for `seconds`. Keep-alive, like a real producer.
 */
export async function load(url: string, options: { body: () => string; headers?: Record<string, string>; concurrency: number; seconds: number }): Promise<LoadResult> {
  const agent = new Agent({ connections: options.concurrency, pipelining: 1 });
  const statuses: Record<number, number> = {};
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      try {
        const res = await request(url, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', ...options.headers },
          body: options.body(),
        });
        await res.body.dump();
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        requests += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return { requests, errors, seconds, perSecond: requests / seconds, statuses };
}
