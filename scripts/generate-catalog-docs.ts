/**
 * Writes docs/catalog.md from the catalog. With --check it writes nothing and exits 1 when the
 * file is stale, so CI catches a catalog change committed without its docs.
 *
 *   npx tsx scripts/generate-catalog-docs.ts [--check]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  ACTOR_TYPES,
  TARGET_TYPES,
  VAULTPAM_SEVERITY_LEVELS,
  curatedEvents,
  vaultpamEvents,
  tocsinEvents,
  type CatalogEntry,
} from '@tocsin/catalog';

const DOC_PATH = fileURLToPath(new URL('../docs/catalog.md', import.meta.url));
const REGENERATE = 'npm run catalog:docs';

/** Escapes what would break a Markdown table cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** Entries by group, groups in the order the catalog defines them (Map.groupBy needs Node 21). */
function byGroup(events: Record<string, CatalogEntry>): Map<string, CatalogEntry[]> {
  const groups = new Map<string, CatalogEntry[]>();
  for (const entry of Object.values(events)) {
    const members = groups.get(entry.group) ?? [];
    members.push(entry);
    groups.set(entry.group, members);
  }
  return groups;
}

function groupTables(events: Record<string, CatalogEntry>): string[] {
  return [...byGroup(events)].flatMap(([group, entries]) => [
    `### ${group}`,
    '',
    ...table(
      ['Constant', 'Wire string', 'Title', 'Category', 'Default severity', 'Own severity', 'Push'],
      entries.map((e) => [
        `\`${e.constant}\``,
        `\`${e.action}\``,
        e.title,
        e.category,
        e.severity,
        yesNo(e.ownSeverity),
        yesNo(e.push),
      ]),
    ),
    '',
  ]);
}

function count(events: Record<string, CatalogEntry>): { total: number; push: number } {
  const entries = Object.values(events);
  return { total: entries.length, push: entries.filter((e) => e.push).length };
}

function render(): string {
  const curated = count(curatedEvents);
  const vaultpam = count(vaultpamEvents);
  const tocsin = count(tocsinEvents);
  const lines = [
    '# Event catalog',
    '',
    `Generated from \`packages/catalog\` by \`scripts/generate-catalog-docs.ts\`: do not edit; ` +
      `change the catalog and run \`${REGENERATE}\`.`,
    '',
    `The catalog holds ${curated.total + vaultpam.total + tocsin.total} typed events. Only events marked *Push* are delivered`,
    'to sinks; every other action, typed or not, is stored and served by the Events API. A sink matches an',
    'event on its *effective* severity: the default severity below, except for events with *Own severity*,',
    'where the severity the producer sends wins.',
    '',
    '## Push catalog',
    '',
    `${curated.total} curated events worth a human's attention; the wire string is the constant.`,
    '',
    ...groupTables(curatedEvents),
    '## VaultPAM audit events',
    '',
    `The ${vaultpam.total} events of VaultPAM's public audit catalog, with its wire strings and sections;`,
    `${vaultpam.push} of them are pushed.`,
    '',
    ...groupTables(vaultpamEvents),
    "## Tocsin's own events",
    '',
    `${tocsin.total} events Tocsin writes into a tenant's stream for every change to its delivery configuration, with`,
    'the acting API token or user as actor; typed and pushable like any other event.',
    '',
    ...groupTables(tocsinEvents),
    '## Actor types',
    '',
    ...table(['Value', 'Description'], ACTOR_TYPES.map((a) => [`\`${a.value}\``, a.description])),
    '',
    '## Target types',
    '',
    ...table(['Value', 'Description'], TARGET_TYPES.map((t) => [`\`${t.value}\``, t.description])),
    '',
    '## Severity levels',
    '',
    "Producers may send our four severities or VaultPAM's five levels, in any letter case",
    '(`CRITICAL` in capitals is the level, `critical` the severity). A level is kept on the record as',
    '`level`; a VaultPAM-catalog event sent without one gets its default level. SIEM kinds (Splunk,',
    'Sentinel, Datadog) match on it: CRITICAL always reaches them, DEBUG only a sink with',
    '`forward_debug` (see docs/architecture.md, "Who receives an event").',
    '',
    ...table(
      ['VaultPAM level', 'Meaning', 'Severity'],
      VAULTPAM_SEVERITY_LEVELS.map((l) => [`\`${l.value}\``, l.meaning, l.severity]),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

async function readExisting(): Promise<string | undefined> {
  try {
    return await readFile(DOC_PATH, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function main(): Promise<void> {
  const expected = render();
  if (!process.argv.includes('--check')) {
    await writeFile(DOC_PATH, expected);
    console.log(`Wrote ${DOC_PATH}`);
    return;
  }
  const existing = await readExisting();
  if (existing === expected) return;
  console.error(
    existing === undefined
      ? `docs/catalog.md is missing. Run \`${REGENERATE}\` and commit the result.`
      : `docs/catalog.md is out of date with packages/catalog. Run \`${REGENERATE}\` and commit the result.`,
  );
  process.exitCode = 1;
}

await main();
