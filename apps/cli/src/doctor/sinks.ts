import { listTenants } from '@tocsin/api';
import {
  assertUrlAllowed,
  channelById,
  createEgressPolicy,
  DestinationUnresolvedError,
  EgressDeniedError,
  unsealConfig,
  type EgressPolicy,
} from '@tocsin/channels';
import { Database, DecryptError, type SecretBox } from '@tocsin/db';
import type { Config } from '@tocsin/config';
import { existingSecretBox } from '../runtime.js';
import { fail, ok, reasonOf, skip, warn, type CheckResult } from './check.js';

interface StoredSink {
  id: string;
  tenantId: string;
  name: string;
  channel: string;
  config: unknown;
  enabled: boolean;
}

/** A cloud's instance metadata service: a credential store no sink should reach. */
const METADATA_ADDRESS = '169.254.169.254';
/** Destinations checked at once (each a DNS lookup). */
const PARALLEL_LOOKUPS = 8;

const describe = (s: StoredSink) => `sink "${s.name}" (${s.id}, tenant ${s.tenantId})`;

/**
 * Every tenant's sinks, read as the api reads them: through the restricted role, one tenant at a
 * time (row-level security shows a connection only the tenant it has set).
 */
async function storedSinks(config: Config): Promise<StoredSink[]> {
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: 1 });
  try {
    const sinks: StoredSink[] = [];
    for (const tenant of await listTenants(db)) {
      const rows = await db.withTenant(tenant.tenant_id, (tx) =>
        tx.eventSink.findMany({ where: { deletedAt: null }, select: { id: true, tenantId: true, name: true, channel: true, config: true, enabled: true }, orderBy: { createdAt: 'asc' } }),
      );
      sinks.push(...rows);
    }
    return sinks;
  } finally {
    await db.close();
  }
}

/** The encryption key, the egress settings and each sink: its secrets decrypt, its destinations resolve and are allowed. */
export async function sinkChecks(config: Config, databaseReachable: boolean): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const key = existingSecretBox(config);
  if (key) results.push(ok(`encryption key present: ${key.source} (key id ${key.keyId})`));
  let policy: EgressPolicy | undefined;
  try {
    policy = createEgressPolicy(config.TOCSIN_EGRESS_ALLOW);
    results.push(egressSettings(config, policy));
  } catch (err) {
    results.push(fail(`TOCSIN_EGRESS_ALLOW: ${reasonOf(err)}`));
  }
  if (!databaseReachable) {
    if (!key) results.push(config.NODE_ENV === 'development' ? warn('no encryption key yet: tocsin start creates a development key in .tocsin/; set TOCSIN_ENCRYPTION_KEY in production') : fail('no encryption key: set TOCSIN_ENCRYPTION_KEY'));
    results.push(skip('sink secrets and destinations: not checked (no database)'));
    return results;
  }
  let sinks: StoredSink[];
  try {
    sinks = await storedSinks(config);
  } catch (err) {
    results.push(fail(`could not read the sinks as ${config.TOCSIN_DB_ROLE}: ${reasonOf(err)}`));
    return results;
  }
  const opened = openSinks(sinks, key?.box, results, config);
  if (!policy) {
    results.push(skip('sink destinations: not checked (TOCSIN_EGRESS_ALLOW is invalid)'));
    return results;
  }
  results.push(...(await destinationChecks(opened, policy)));
  return results;
}

function egressSettings(config: Config, policy: EgressPolicy): CheckResult {
  const allow = config.TOCSIN_EGRESS_ALLOW;
  if (allow.length === 0) return ok('egress guard: sinks may reach public addresses only (TOCSIN_EGRESS_ALLOW is empty)');
  const text = `egress guard: sinks may reach public addresses and TOCSIN_EGRESS_ALLOW ${allow.join(', ')}`;
  if (policy.isExplicitlyAllowed(METADATA_ADDRESS)) return warn(`${text}, which includes the cloud metadata address ${METADATA_ADDRESS}: a sink could read this host's credentials`);
  return ok(text);
}

/** Decrypts each sink's secrets; the ones that open go on to the destination checks. */
function openSinks(sinks: StoredSink[], box: SecretBox | undefined, results: CheckResult[], config: Config) {
  const opened: { sink: StoredSink; urls: string[] }[] = [];
  let withSecrets = 0;
  const failures: string[] = [];
  for (const sink of sinks) {
    const channel = channelById(sink.channel);
    if (!channel) {
      results.push(fail(`${describe(sink)}: unknown channel ${sink.channel}`));
      continue;
    }
    const stored = sink.config as Record<string, unknown>;
    const hasSecrets = channel.secretFields.some((f) => typeof stored[f] === 'string');
    if (hasSecrets) withSecrets += 1;
    if (hasSecrets && !box) {
      failures.push(`${describe(sink)}: no key to decrypt it with`);
      continue;
    }
    try {
      const plain = hasSecrets ? unsealConfig(channel, stored, box!, { tenantId: sink.tenantId, sinkId: sink.id }) : stored;
      if (sink.enabled) opened.push({ sink, urls: channel.urls(plain as never) });
    } catch (err) {
      failures.push(`${describe(sink)}: ${err instanceof DecryptError ? 'its secrets do not decrypt with this key' : reasonOf(err)}`);
    }
  }
  if (!box && withSecrets === 0) {
    results.push(config.NODE_ENV === 'development' ? warn('no encryption key yet: tocsin start creates a development key in .tocsin/; set TOCSIN_ENCRYPTION_KEY in production') : fail('no encryption key: set TOCSIN_ENCRYPTION_KEY'));
  }
  if (failures.length > 0) {
    results.push(fail(`the encryption key does not open ${failures.length} of ${withSecrets} sinks with secrets (is TOCSIN_ENCRYPTION_KEY the key they were saved with? a former key goes in TOCSIN_ENCRYPTION_KEYS_OLD)`));
    for (const f of failures) results.push(fail(f));
  } else if (withSecrets > 0) {
    results.push(ok(`the encryption key decrypts the secrets of all ${withSecrets} sinks that have any`));
  } else if (box) {
    results.push(ok('no stored sink secret to decrypt yet'));
  }
  return opened;
}

/** The save-time egress check again, now: a host may have stopped resolving, or moved into a denied range. */
async function destinationChecks(opened: { sink: StoredSink; urls: string[] }[], policy: EgressPolicy): Promise<CheckResult[]> {
  const problems: CheckResult[] = [];
  let urls = 0;
  const queue = opened.flatMap(({ sink, urls: list }) => list.map((url) => ({ sink, url })));
  const check = async ({ sink, url }: { sink: StoredSink; url: string }) => {
    urls += 1;
    try {
      await assertUrlAllowed(url, policy);
    } catch (err) {
      // Never the URL itself: Slack's and Teams' webhook URLs are credentials.
      if (err instanceof DestinationUnresolvedError) problems.push(fail(`${describe(sink)}: its destination host ${err.host} does not resolve${err.resolverCode ? ` (${err.resolverCode})` : ''}`));
      else if (err instanceof EgressDeniedError) problems.push(fail(`${describe(sink)}: the egress guard refuses its destination: ${err.message}`));
      else problems.push(fail(`${describe(sink)}: its destination could not be checked: ${reasonOf(err)}`));
    }
  };
  for (let i = 0; i < queue.length; i += PARALLEL_LOOKUPS) await Promise.all(queue.slice(i, i + PARALLEL_LOOKUPS).map(check));
  if (opened.length === 0) return [ok('no enabled sink: no destination to check')];
  if (problems.length === 0) return [ok(`every enabled sink's destination resolves and is allowed (${opened.length} sinks, ${urls} URLs)`)];
  return problems;
}
