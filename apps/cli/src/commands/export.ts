import { open, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';

/** The largest page the Events API serves (apps/api/src/events/query.ts). */
const PAGE_SIZE = 1000;
const DEFAULT_URL = 'http://127.0.0.1:8080';
/** How long to wait before asking again while a window is not yet complete. */
const POLL_MS = 1_000;
const MAX_TRIES = 5;

export interface ExportOptions {
  /** The api's base URL. @defaultValue http://127.0.0.1:8080 */
  url: string;
  /** An API token with events:read (or a user JWT). */
  token: string;
  from?: string;
  to?: string;
  /** The NDJSON file; its checkpoint is `${out}.cursor`. */
  out: string;
  /** Records per request. @defaultValue 1000 */
  pageSize?: number;
  /** Draw a progress bar on stderr. @defaultValue whether stderr is a terminal */
  progress?: boolean;
  /** Wait between polls of a window that is not complete yet. @defaultValue 1000 */
  pollMs?: number;
  /** Called after each checkpoint is saved (tests stop an export here). */
  onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
}

/**
 * What `${out}.cursor` holds. `bytes` is the length of the output file that the cursor stands
 * for: anything after it was written by a run that stopped before saving its next checkpoint,
 * and is cut off on resume, so every record ends up in the file exactly once.
 */
export interface Checkpoint {
  version: 1;
  cursor: string | null;
  bytes: number;
  records: number;
  complete: boolean;
}

export interface ExportResult {
  /** Records written by this run. */
  written: number;
  /** Records in the file. */
  total: number;
  /** The window is closed and every record of it is in the file. */
  complete: boolean;
}

interface Page {
  data: { received_at: string }[];
  next_cursor: string | null;
}

class ExportError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'ExportError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Checkpoint;
  if (parsed.version !== 1 || typeof parsed.bytes !== 'number') throw new Error(`${path} is not a checkpoint this version understands`);
  return parsed;
}

/** Written to a temporary file and renamed over the old one: a crash leaves the old or the new checkpoint, never half of one. */
async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(checkpoint));
  await rename(`${path}.tmp`, path);
}

async function fetchPage(options: ExportOptions, cursor: string | null, signal?: AbortSignal): Promise<Page> {
  const query = new URLSearchParams({ limit: String(options.pageSize ?? PAGE_SIZE) });
  // from/to go with the cursor too: the api refuses a cursor issued for another window.
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  if (cursor) query.set('cursor', cursor);
  const url = `${options.url.replace(/\/$/, '')}/events/v1?${query}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' }, signal });
      const body = (await res.json().catch(() => undefined)) as (Page & { error?: { code: string; message: string } }) | undefined;
      if (res.ok && body) return body;
      const reason = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
      throw new ExportError(`the api answered ${reason}`, res.status >= 500 || res.status === 429);
    } catch (err) {
      const retryable = !(err instanceof ExportError) || err.retryable; // network errors are retried too
      if (!retryable || attempt >= MAX_TRIES || signal?.aborted) throw err;
      await sleep(250 * 2 ** attempt);
    }
  }
}

/**
 * The bar shows how far into the window's time span the export is, by the received_at of the
 * last record written (the stream is in commit order, which received_at follows closely). No
 * count query is needed; a window without `from` starts at its first record.
 */
class Progress {
  readonly #bar = new cliProgress.SingleBar(
    { format: 'events {bar} {percentage}% | {records} records | up to {last}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  #start: number | undefined;
  readonly #end: number | undefined;
  #shown = 0;
  #last = '-';

  constructor(options: ExportOptions, records: number) {
    const instant = (v: string) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    this.#start = options.from ? instant(options.from) : undefined;
    // A date-only `to` includes that day (as the api reads it).
    this.#end = options.to ? instant(options.to) + (/^\d{4}-\d{2}-\d{2}$/.test(options.to) ? 86_400_000 : 0) : undefined;
    this.#bar.start(1000, 0, { records, last: '-' });
  }

  update(records: number, first: string | undefined, last: string | undefined, complete: boolean): void {
    this.#start ??= first ? Date.parse(first) : undefined;
    if (complete) this.#shown = 1000;
    else if (this.#start !== undefined && last) {
      const share = (Date.parse(last) - this.#start) / Math.max(1, (this.#end ?? Date.now()) - this.#start);
      if (Number.isFinite(share)) this.#shown = Math.max(this.#shown, Math.min(999, Math.round(share * 1000)));
    }
    this.#last = last ?? this.#last;
    this.#bar.update(this.#shown, { records, last: this.#last });
  }

  stop(): void {
    this.#bar.stop();
  }
}

/**
 * Exports the window to an NDJSON file, page by page, resumable: after each page is appended and
 * synced, the cursor is saved beside the file. A run that finds the checkpoint continues from it.
 * With `to`, the export follows the cursor until the window is complete (the api says so with a
 * null cursor); without it, it stops once caught up and the next run continues from there.
 */
export async function exportEvents(options: ExportOptions): Promise<ExportResult> {
  const sidecar = `${options.out}.cursor`;
  const saved = await readCheckpoint(sidecar);
  if (saved?.complete) return { written: 0, total: saved.records, complete: true };
  if (!saved) {
    const existing = await stat(options.out).catch(() => undefined);
    if (existing) throw new Error(`${options.out} exists and has no ${sidecar} to resume from; remove it or choose another --out`);
  } else {
    const size = (await stat(options.out)).size;
    if (size < saved.bytes) throw new Error(`${options.out} is shorter than its checkpoint says (${size} < ${saved.bytes} bytes); it was changed by something else`);
    await truncate(options.out, saved.bytes); // drop a page written after the last checkpoint
  }
  const file = await open(options.out, saved ? 'a' : 'wx');
  const checkpoint: Checkpoint = saved ?? { version: 1, cursor: null, bytes: 0, records: 0, complete: false };
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const progress = (options.progress ?? process.stderr.isTTY === true) ? new Progress(options, checkpoint.records) : undefined;
  let written = 0;
  // The next page is asked for while this one is written and synced; a run that ends drops it.
  const abandon = new AbortController();
  const ask = (cursor: string | null) => {
    const page = fetchPage(options, cursor, abandon.signal);
    page.catch(() => {}); // awaited on the next turn, or dropped with the run
    return page;
  };
  let pending = ask(checkpoint.cursor);
  try {
    for (;;) {
      const page = await pending;
      const full = page.data.length >= pageSize && page.next_cursor !== null;
      if (full) pending = ask(page.next_cursor);
      if (page.data.length > 0) {
        const chunk = Buffer.from(page.data.map((r) => JSON.stringify(r)).join('\n') + '\n');
        await file.write(chunk);
        await file.sync();
        checkpoint.bytes += chunk.length;
        checkpoint.records += page.data.length;
        written += page.data.length;
      }
      checkpoint.cursor = page.next_cursor;
      checkpoint.complete = page.next_cursor === null;
      await saveCheckpoint(sidecar, checkpoint);
      await options.onCheckpoint?.({ ...checkpoint });

      progress?.update(checkpoint.records, page.data[0]?.received_at, page.data.at(-1)?.received_at, checkpoint.complete);
      if (checkpoint.complete) break;
      if (page.data.length < pageSize) {
        if (!options.to) break; // open-ended: caught up; the next run continues from the checkpoint
        await sleep(options.pollMs ?? POLL_MS); // the window is not complete yet (late commits may still land in it)
      }
      if (!full) pending = ask(checkpoint.cursor);
    }
  } finally {
    abandon.abort();
    progress?.stop();
    await file.close();
  }
  return { written, total: checkpoint.records, complete: checkpoint.complete };
}

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      url: { type: 'string', default: DEFAULT_URL },
      'page-size': { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out FILE is required');
  const token = values.token ?? (values['token-file'] ? (await readFile(values['token-file'], 'utf8')).trim() : undefined);
  if (!token) throw new Error('--token TOKEN or --token-file FILE is required (a token with events:read)');
  const pageSize = values['page-size'] ? Number(values['page-size']) : undefined;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= PAGE_SIZE)) throw new Error(`--page-size must be 1 to ${PAGE_SIZE}`);
  const result = await exportEvents({ url: values.url!, token, from: values.from, to: values.to, out: values.out, pageSize });
  process.stderr.write(
    result.complete
      ? `${values.out}: complete, ${result.total} records (${result.written} written by this run)\n`
      : `${values.out}: ${result.total} records so far (${result.written} written by this run); run again to continue from ${values.out}.cursor\n`,
  );
  return 0;
}
