import { parseArgs } from 'node:util';
import { ConfigError } from '@tocsin/config';
import { commands } from './commands/index.js';

const USAGE = `Usage: tocsin <command> [options]

  tenant create --name N [--plan free|team|enterprise] [--json]
  tenant list [--json]    every tenant with its plan
  tenant set-plan --tenant ID --plan free|team|enterprise [--json]
                          a downgrade disables (never deletes) the sinks the plan does not allow
  token create --tenant ID --scopes events:write,events:read,sinks:admin,admin [--name N] [--json]
  migrate                 apply database migrations
  api                     run the HTTP api
  worker [--channels a,b] run delivery workers (all channels by default) and the outbox relay
  start                   migrate, then run the api and the workers together
  events export --from F [--to T] --out FILE (--token-file F | --token T) [--url URL]
                          NDJSON export of the Events API, resumable from FILE.cursor

Configuration comes from the environment; see the README.`;

export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
  });
  const key = positionals.slice(0, 2).join(' ');
  const command = commands[key] ?? commands[positionals[0] ?? ''];
  if (!command || values.help) {
    process.stderr.write(`${USAGE}\n`);
    return command ? 0 : 2;
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
