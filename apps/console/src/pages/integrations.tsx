import { useEffect, useState } from 'react';
import { api, ApiFailure, deliveriesSince, when, type Delivery, type Sink, type TestResult } from '../api';
import { kindOf } from '../kinds';
import { Link } from '../router';
import { buckets, DeliveryChart, type HourBucket } from './chart';

interface Row {
  sink: Sink;
  last?: Delivery | null;
  chart?: HourBucket[];
}

export function Integrations() {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const { event_sinks } = await api<{ event_sinks: Sink[] }>('GET', '/v1/event_sink?limit=200');
        if (!live) return;
        setRows(event_sinks.map((sink) => ({ sink })));
        const since = new Date(Date.now() - 24 * 3_600_000);
        const filled = await Promise.all(
          event_sinks.map(async (sink) => {
            const [recent, latest] = await Promise.all([
              deliveriesSince(sink.id, since).catch(() => []),
              api<{ deliveries: Delivery[] }>('GET', `/v1/event_sink/${sink.id}/deliveries?limit=1`).catch(() => ({ deliveries: [] })),
            ]);
            return { sink, last: latest.deliveries[0] ?? null, chart: buckets(recent) };
          }),
        );
        if (live) setRows(filled);
      } catch (err) {
        if (live) setError(err instanceof ApiFailure ? err.message : 'The api could not be reached.');
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Integrations</h1>
        <Link className="button" to="/integrations/new">
          Add integration
        </Link>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {rows === null && !error && <p>Loading…</p>}
      {rows?.length === 0 && <p>No integrations yet. Add one to send events to Slack, Teams, PagerDuty and more.</p>}
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table className="responsive">
            <caption className="visually-hidden">Integrations, with their last delivery and the last 24 hours</caption>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Kind</th>
                <th scope="col">Min severity</th>
                <th scope="col">Events</th>
                <th scope="col">Enabled</th>
                <th scope="col">Last delivery</th>
                <th scope="col">Last 24 h</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <IntegrationRow key={row.sink.id} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function IntegrationRow({ row }: { row: Row }) {
  const { sink, last, chart } = row;
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const test = async () => {
    setTesting(true);
    setResult(null);
    try {
      const { test } = await api<{ test: TestResult }>('POST', `/v1/event_sink/${sink.id}/test`);
      const status = test.status === null ? '' : `HTTP ${test.status}, `;
      setResult(
        test.outcome === 'delivered'
          ? { ok: true, text: `Test delivered (${status}${test.duration_ms} ms)` }
          : { ok: false, text: `Test failed: ${test.error_code ?? test.outcome}${test.error_message ? ` — ${test.error_message}` : ''} (${status}${test.duration_ms} ms)` },
      );
    } catch (err) {
      setResult({ ok: false, text: err instanceof ApiFailure ? err.message : 'The api could not be reached.' });
    } finally {
      setTesting(false);
    }
  };

  return (
    <tr>
      <th scope="row" data-label="Label">
        {sink.name}
      </th>
      <td data-label="Kind">{kindOf(sink.event_sink_type)?.label ?? sink.event_sink_type}</td>
      <td data-label="Min severity">{sink.min_severity}</td>
      <td data-label="Events">{sink.events.includes('*') ? 'All' : sink.events.length <= 3 ? sink.events.join(', ') : `${sink.events.length} events`}</td>
      <td data-label="Enabled">{sink.enabled ? 'Yes' : `No${sink.disabled_reason ? ` (${sink.disabled_reason})` : ''}`}</td>
      <td data-label="Last delivery">
        {last === undefined ? '…' : last === null ? 'None yet' : (
          <>
            <span className={`state state-${last.state}`}>{last.state}</span> <span className="muted">{when(last.updated_at)}</span>
          </>
        )}
      </td>
      <td data-label="Last 24 h">{chart ? <DeliveryChart data={chart} label={sink.name} /> : '…'}</td>
      <td data-label="Actions">
        <div className="actions">
          <button type="button" onClick={test} disabled={testing} aria-describedby={`test-${sink.id}`}>
            {testing ? 'Testing…' : 'Test'}
          </button>
          <Link className="button secondary" to={`/integrations/${sink.id}/edit`} aria-label={`Edit ${sink.name}`}>
            Edit
          </Link>
          <Link className="button secondary" to={`/integrations/${sink.id}/deliveries`} aria-label={`Deliveries of ${sink.name}`}>
            Deliveries
          </Link>
        </div>
        <p id={`test-${sink.id}`} role="status" className={result ? (result.ok ? 'ok-text test-result' : 'error test-result') : 'test-result'}>
          {result?.text}
        </p>
      </td>
    </tr>
  );
}
