const REDACTED = '[REDACTED]';
const MAX_CAUSE_DEPTH = 4;

/** The parts of `url` that may be secret: everything after the origin, and any userinfo. */
function secretParts(url: URL): string[] {
  const parts = [url.href, `${url.pathname}${url.search}${url.hash}`, url.search, url.hash, url.username, url.password];
  // A path of "/" or an empty part is not worth scrubbing (and would mangle every message).
  return parts.filter((part) => part.length > 1).sort((a, b) => b.length - a.length);
}

function scrubText(text: string, parts: readonly string[]): string {
  return parts.reduce((out, part) => out.split(part).join(REDACTED), text);
}

/**
 * A copy of `error` (name, message, code and the cause chain) with every secret part of `url`
 * removed, and without the request options, response and timings that got attaches. Safe to
 * keep as a `cause`, log or `util.inspect`.
 */
export function scrubError(error: unknown, url: URL, depth = 0): Error {
  const parts = secretParts(url);
  const source = error instanceof Error ? error : new Error(String(error));
  const cause = depth < MAX_CAUSE_DEPTH && source.cause !== undefined && source.cause !== source ? scrubError(source.cause, url, depth + 1) : undefined;
  const copy = new Error(scrubText(source.message, parts), cause === undefined ? undefined : { cause });
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  copy.stack = scrubText(source.stack ?? `${copy.name}: ${copy.message}`, parts);
  return copy;
}
