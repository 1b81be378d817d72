import type { Delivery } from '../api';

export const HOURS = 24;
const FAILED = new Set(['failed', 'retrying', 'skipped']);

export interface HourBucket {
  start: Date;
  delivered: number;
  failed: number;
}

/** Deliveries of the last 24 hours per hour, by when they were created: delivered vs failing (failed, retrying, skipped). */
export function buckets(deliveries: Delivery[], now = new Date()): HourBucket[] {
  const end = new Date(now);
  end.setMinutes(0, 0, 0);
  end.setHours(end.getHours() + 1);
  const out: HourBucket[] = Array.from({ length: HOURS }, (_, i) => ({ start: new Date(end.getTime() - (HOURS - i) * 3_600_000), delivered: 0, failed: 0 }));
  for (const d of deliveries) {
    const i = HOURS - Math.ceil((end.getTime() - new Date(d.created_at).getTime()) / 3_600_000);
    const b = out[i];
    if (!b) continue;
    if (d.state === 'delivered') b.delivered += 1;
    else if (FAILED.has(d.state)) b.failed += 1;
  }
  return out;
}

/** A small bar chart; the numbers are also in its text alternative. */
export function DeliveryChart({ data, label }: { data: HourBucket[]; label: string }) {
  const delivered = data.reduce((n, b) => n + b.delivered, 0);
  const failed = data.reduce((n, b) => n + b.failed, 0);
  const max = Math.max(1, ...data.map((b) => b.delivered + b.failed));
  const w = 6;
  const h = 32;
  const summary = `${label}, last 24 hours: ${delivered} delivered, ${failed} failed`;
  return (
    <figure className="chart">
      <svg role="img" aria-label={summary} viewBox={`0 0 ${HOURS * w} ${h}`} width={HOURS * w} height={h} preserveAspectRatio="none">
        <title>{summary}</title>
        {data.map((b, i) => {
          const okH = (b.delivered / max) * h;
          const badH = (b.failed / max) * h;
          return (
            <g key={i}>
              <rect x={i * w} y={h - okH - badH} width={w - 1} height={badH} className="bar-failed" />
              <rect x={i * w} y={h - okH} width={w - 1} height={okH} className="bar-ok" />
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="ok-text">{delivered} ok</span> · <span className={failed ? 'bad-text' : undefined}>{failed} failed</span>
      </figcaption>
    </figure>
  );
}
