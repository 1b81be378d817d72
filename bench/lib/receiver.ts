// A destination that answers every POST with success at once, counting requests: HEC's success
// document under /services/collector, `ok` elsewhere. GET /stats reports the count. Run as a
// child it prints READY <port>; bench/latency.ts runs it in its own process instead, to time
// arrivals on the sender's clock.
import { createServer, type Server } from 'node:http';

const HEC_SUCCESS = JSON.stringify({ text: 'Success', code: 0 });

/** The receiver's server, not listening yet. `onPost`, if given, gets each POST's body as it ends. */
export function receiver(onPost?: (body: Buffer) => void): Server & { received: () => number } {
  let received = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    if (onPost) req.on('data', (c: Buffer) => chunks.push(c));
    else req.resume();
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/stats') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests: received }));
      received += 1;
      onPost?.(Buffer.concat(chunks));
      if (req.url?.startsWith('/services/collector')) res.writeHead(200, { 'content-type': 'application/json' }).end(HEC_SUCCESS);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  return Object.assign(server, { received: () => received });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = receiver();
  server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
  process.on('SIGTERM', () => {
    process.stderr.write(`receiver: ${server.received()} requests\n`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
