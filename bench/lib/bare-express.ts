// Baseline: the least an Express JSON endpoint can do. Prints READY <port>.
import express from 'express';

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/v1/events', (req, res) => {
  res.status(202).json({ id: req.body?.id ?? null, accepted: true });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
