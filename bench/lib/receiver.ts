// A destination that answers every POST with 200 at once, counting requests. Prints READY <port>.
import { createServer } from 'node:http';

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => {
  process.stderr.write(`receiver: ${received} requests\n`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
