/**
 * The longest wait a receiver's `Retry-After` can impose on one attempt. Slack asks for 30 s,
 * ServiceNow and Azure for minutes; an hour bounds a misconfigured or hostile receiver that
 * answers `Retry-After: 99999999`, and the worker's own backoff still applies after it.
 */
export const RETRY_AFTER_MAX_MS = 60 * 60 * 1000;

const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;
// asctime-date (RFC 9110 §5.6.7) carries no zone but means GMT; Date.parse would read local time.
const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Reads `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns milliseconds
 * from `now`, clamped to [0, {@link RETRY_AFTER_MAX_MS}], or undefined when absent or unreadable.
 * RFC 9110 only allows whole seconds; a fractional value is read rather than ignored.
 */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: Date = new Date()): number | undefined {
  const raw = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (raw === undefined || raw === '') return undefined;
  let ms: number;
  if (DELAY_SECONDS.test(raw)) {
    ms = Math.round(Number(raw) * 1000);
  } else if (/[a-z]/i.test(raw)) {
    // HTTP-date (IMF-fixdate, or the obsolete RFC 850 / asctime forms); Date.parse reads all three.
    const at = Date.parse(ASCTIME.test(raw) ? `${raw} GMT` : raw);
    if (Number.isNaN(at)) return undefined;
    ms = at - now.getTime();
  } else {
    return undefined;
  }
  return Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS);
}
