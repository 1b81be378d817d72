import { runtime } from '../runtime.js';
import { formatResult, ok, type CheckResult } from '../doctor/check.js';
import { databaseChecks } from '../doctor/database.js';
import { queueChecks } from '../doctor/queue.js';
import { databaseOf } from '../services.js';
import { sinkChecks } from '../doctor/sinks.js';

/**
 * `tocsin doctor`: checks what a running Tocsin needs, one line per check, and exits 1 when any
 * check fails. It changes nothing (no migration, no development key).
 */
export async function doctorCommand(): Promise<number> {
  const { config } = runtime({ command: 'doctor' }); // a bad setting is the first problem, named by the config
  const results: CheckResult[] = [];
  const print = (more: CheckResult[]) => {
    for (const r of more) process.stdout.write(`${formatResult(r)}\n`);
    results.push(...more);
  };
  const choice = databaseOf(config);
  print([ok(`database: ${choice.source === 'embedded' ? 'the embedded PostgreSQL in .tocsin/postgres (run by `tocsin start`)' : choice.source === 'DATABASE_URL' ? 'DATABASE_URL' : 'the default address (DATABASE_URL is not set)'}`)]);
  const database = await databaseChecks(config);
  print(database.results);
  print(await queueChecks(config));
  print(await sinkChecks(config, database.reachable));
  const failed = results.filter((r) => r.status === 'fail').length;
  process.stdout.write(failed === 0 ? 'doctor: no problem found\n' : `doctor: ${failed} problem(s) found\n`);
  return failed === 0 ? 0 : 1;
}
