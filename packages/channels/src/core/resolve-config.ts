import type { Channel, Resolved } from './channel.js';
import { Secret } from './secret.js';

/** A stored sink configuration no longer passes its channel's schema. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
  readonly code = 'invalid_config' as const;
  /** Field paths and messages only; zod does not repeat the rejected values. */
  readonly issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;

  constructor(kind: string, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>) {
    super(`${kind} configuration is invalid: ${issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}

/** Wraps a config's secret fields in {@link Secret}, as the worker hands configs to `send`. */
export function resolveSecrets<C extends Record<string, unknown>, S extends string>(config: C, secretFields: readonly S[]): Resolved<C, S> {
  const out: Record<PropertyKey, unknown> = { ...config };
  for (const field of secretFields) {
    const value = (config as Record<string, unknown>)[field];
    out[field] = typeof value === 'string' ? new Secret(value) : undefined;
  }
  return out as Resolved<C, S>;
}

/**
 * Validates a stored config with the channel's schema (configs are checked on load as well as on
 * save) and wraps its secrets.
 *
 * @throws InvalidConfigError
 */
export function resolveChannelConfig<Id extends string, C extends Record<string, unknown>, S extends string, I>(
  channel: Channel<Id, C, S, I>,
  raw: unknown,
): Resolved<C, S> {
  const parsed = channel.configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidConfigError(channel.id, parsed.error.issues.map(({ path, message }) => ({ path, message })));
  }
  return resolveSecrets(parsed.data, channel.secretFields);
}
