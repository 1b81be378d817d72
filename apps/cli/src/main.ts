import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '@tocsin/config';
import { commands } from './commands/index.js';

const USAGE = `Usage: tocsin <command> [options]

Commands:
  start                   migrate, then run the api and the workers together (stop with Ctrl-C)
  migrate                 apply database migrations
  api                     run the HTTP api (HOST, PORT; 127.0.0.1:8080 by default)
  worker [--channels a,b] run delivery workers (all channels by default) and the outbox relay
  doctor                  check the database, Redis, the encryption key and every sink's destination
  tenant create --name N [--plan free|team|enterprise] [--json]
  tenant list [--json]    every tenant with its plan
  tenant set-plan --tenant ID --plan free|team|enterprise [--json]
                          a downgrade disables (never deletes) the sinks the plan does not allow
  token create --tenant ID --scopes events:write,events:read,sinks:admin,admin [--name N] [--json]
  operator token create --tenant ID [--name N] [--json]
                          an admin token that also opens the queue dashboard (/admin/queues)
  events export --from F [--to T] --out FILE (--token-file F | --token T) [--url URL]
                          NDJSON export of the Events API, resumable from FILE.cursor
  help                    this text
  version                 the version (also --version)

Configuration comes from the environment; see the README.`;

/** Exit code for a command line that names no command (EX_USAGE). */
const EX_USAGE = 64;

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    // Each command parses its own options; here only --help, -h and --version matter.
    options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } },
    strict: false,
  });
  const first = positionals[0];
  if (values.version || first === 'version') {
    process.stdout.write(`tocsin ${version()}\n`);
    return 0;
  }
  if (first === undefined || first === 'help') {
    // Asked for (help, --help), the usage is the answer: stdout, exit 0. Bare `tocsin` is a mistake.
    const asked = first === 'help' || values.help === true;
    (asked ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return asked ? 0 : EX_USAGE;
  }
  const key = positionals.slice(0, 2).join(' ');
  const command = commands[key] ?? commands[first];
  if (!command) {
    const group = Object.keys(commands).some((k) => k.startsWith(`${first} `));
    process.stderr.write(`tocsin: unknown command "${group ? key : first}"\n\n${USAGE}\n`);
    return EX_USAGE;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await command(argv.slice(key in commands ? 2 : 1));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78; // EX_CONFIG
    }
    process.stderr.write(`tocsin: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
