// A destination that answers every POST with success at once, counting requests: HEC's success
// document under /services/collector, `ok` elsewhere. GET /stats reports the count. Prints READY <port>.
import { createServer } from 'node:http';

const HEC_SUCCESS = JSON.stringify({ text: 'Success', code: 0 });
let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/stats') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests: received }));
    received += 1;
    if (req.url?.startsWith('/services/collector')) res.writeHead(200, { 'content-type': 'application/json' }).end(HEC_SUCCESS);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => {
  process.stderr.write(`receiver: ${received} requests\n`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
