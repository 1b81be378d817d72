/**
 * CI check: packages depend one way, and no module imports itself back through a cycle.
 *
 * Allowed workspace dependencies (style.md): catalog ← channels ← apps; db ← apps; config and
 * queue are leaves the apps build on. Every `@tocsin/*` import must be allowed for its package
 * and declared in its package.json; relative imports must form no cycle.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const ALLOWED: Record<string, string[]> = {
  '@tocsin/catalog': [],
  '@tocsin/config': ['@tocsin/channels'],
  '@tocsin/channels': ['@tocsin/catalog'],
  '@tocsin/db': ['@tocsin/catalog'],
  '@tocsin/queue': ['@tocsin/channels'],
  '@tocsin/api': ['@tocsin/catalog', '@tocsin/channels', '@tocsin/config', '@tocsin/db', '@tocsin/queue'],
  '@tocsin/worker': ['@tocsin/catalog', '@tocsin/channels', '@tocsin/config', '@tocsin/db', '@tocsin/queue'],
  '@tocsin/cli': ['@tocsin/api', '@tocsin/catalog', '@tocsin/channels', '@tocsin/config', '@tocsin/db', '@tocsin/queue', '@tocsin/worker'],
  // The browser console talks to the api over HTTP only.
  '@tocsin/console': [],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'generated' || name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(path) && !/\.test\.tsx?$/.test(path) ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
const problems = new Set<string>();
const graph = new Map<string, string[]>();

for (const folder of ['packages', 'apps'].flatMap((d) => readdirSync(join(ROOT, d)).map((p) => join(ROOT, d, p)))) {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
  const allowed = ALLOWED[manifest.name];
  if (!allowed) problems.add(`${manifest.name}: not in the dependency map of scripts/check-imports.ts`);
  for (const file of existsSync(join(folder, 'src')) ? files(join(folder, 'src')) : []) {
    const edges: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) edges.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      const pkg = /^@tocsin\/[^/]+/.exec(spec)?.[0];
      if (!pkg || pkg === manifest.name) continue;
      if (!allowed?.includes(pkg)) problems.add(`${relative(ROOT, file)}: ${manifest.name} may not import ${pkg}`);
      else if (!manifest.dependencies?.[pkg]) problems.add(`${relative(ROOT, file)}: ${pkg} is not declared in ${manifest.name}'s package.json`);
    }
    graph.set(file, edges);
  }
}

// Depth-first search for a back edge among relative imports.
const state = new Map<string, 'open' | 'done'>();
function visit(file: string, path: string[]): void {
  if (state.get(file) === 'done') return;
  if (state.get(file) === 'open') {
    problems.add(`import cycle: ${[...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' → ')}`);
    return;
  }
  state.set(file, 'open');
  for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
  state.set(file, 'done');
}
for (const file of graph.keys()) visit(file, []);

if (problems.size > 0) {
  process.stderr.write(`${[...problems].join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`imports ok: ${graph.size} modules, no cycles, packages depend one way\n`);
