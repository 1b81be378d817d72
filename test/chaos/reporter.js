import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Prints the accounting table of the chaos suite once every file has run: one row per scenario,
 * as each recorded it (harness.ts `record`), then removes the run's results directory.
 */
export default class ChaosReporter {
  onRunComplete(_contexts, results) {
    const dir = process.env.TOCSIN_CHAOS_RESULTS;
    if (!dir) return;
    let rows = [];
    try {
      rows = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const failedFiles = new Set(results.testResults.filter((t) => t.numFailingTests > 0 || t.testExecError || t.failureMessage).map((t) => t.testFilePath));
    for (const r of rows) if (r.file && failedFiles.has(r.file)) r.ok = false;
    const header = ['scenario', 'accepted', 'delivered', 'duplicates', 'lost', 'measured', 'result'];
    const lines = rows.map((r) => [r.scenario, r.accepted, r.delivered, r.duplicates, r.lost, r.measured ?? '', r.ok ? 'pass' : 'FAIL'].map(String));
    const out = [
      '',
      `Chaos suite accounting (${new Date().toISOString()}, ${(((Date.now() - results.startTime) / 1000) | 0)} s)`,
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...lines.map((l) => `| ${l.join(' | ')} |`),
      '',
    ];
    process.stdout.write(out.join('\n') + '\n');
  }
}
