import { Fragment, useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiFailure, when, type Delivery, type DeliveryDetail, type Sink } from '../api';
import { Link } from '../router';

const STATES = ['pending', 'in_flight', 'retrying', 'delivered', 'failed', 'skipped', 'held'];
const RETRYABLE = new Set(['failed', 'skipped']);
const message = (err: unknown) => (err instanceof ApiFailure ? err.message : 'The api could not be reached.');

/** One integration's delivery log: attempts, Retry, and recover-since. */
export function Deliveries({ id }: { id: string }) {
  const [sink, setSink] = useState<Sink | null>(null);
  const [state, setState] = useState('');
  const [list, setList] = useState<Delivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [open, setOpen] = useState<Record<string, DeliveryDetail>>({});
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 24 * 3_600_000)));

  const load = useCallback(
    async (after?: string | null) => {
      const q = new URLSearchParams({ limit: '50' });
      if (state) q.set('state', state);
      if (after) q.set('cursor', after);
      try {
        const res = await api<{ deliveries: Delivery[]; next_cursor: string | null }>('GET', `/v1/event_sink/${id}/deliveries?${q}`);
        setList((old) => (after ? [...(old ?? []), ...res.deliveries] : res.deliveries));
        setCursor(res.next_cursor);
      } catch (err) {
        setNotice({ ok: false, text: message(err) });
      }
    },
    [id, state],
  );

  useEffect(() => {
    api<{ event_sink: Sink }>('GET', `/v1/event_sink/${id}`)
      .then((r) => setSink(r.event_sink))
      .catch((err: unknown) => setNotice({ ok: false, text: message(err) }));
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  const toggle = async (d: Delivery) => {
    if (open[d.id]) {
      const { [d.id]: _gone, ...rest } = open;
      setOpen(rest);
      return;
    }
    try {
      const { delivery } = await api<{ delivery: DeliveryDetail }>('GET', `/v1/deliveries/${d.id}`);
      setOpen((o) => ({ ...o, [d.id]: delivery }));
    } catch (err) {
      setNotice({ ok: false, text: message(err) });
    }
  };

  const retry = async (d: Delivery) => {
    try {
      const { delivery } = await api<{ delivery: DeliveryDetail }>('POST', `/v1/deliveries/${d.id}/retry`);
      setList((l) => l?.map((x) => (x.id === d.id ? delivery : x)) ?? null);
      setNotice({ ok: true, text: `Delivery ${d.id.slice(0, 8)} queued to be sent again.` });
    } catch (err) {
      setNotice({ ok: false, text: message(err) });
    }
  };

  const recover = async (e: FormEvent) => {
    e.preventDefault();
    const at = new Date(since);
    if (Number.isNaN(at.getTime())) {
      setNotice({ ok: false, text: 'Pick a date and time to recover from.' });
      return;
    }
    try {
      const res = await api<{ recovered: number; truncated: boolean }>('POST', `/v1/event_sink/${id}/recover`, { since: at.toISOString() });
      setNotice({ ok: true, text: `${res.recovered} failed deliveries queued to be sent again${res.truncated ? ' (more remain: run it again)' : ''}.` });
      void load();
    } catch (err) {
      setNotice({ ok: false, text: message(err) });
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Deliveries{sink ? ` of ${sink.name}` : ''}</h1>
      <p>
        <Link to="/">← Integrations</Link>
      </p>
      <p role="status" className={notice ? (notice.ok ? 'ok-text' : 'error') : undefined}>
        {notice?.text}
      </p>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="state-filter">State</label>
          <select id="state-filter" value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">All</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <form className="field inline" onSubmit={recover}>
          <label htmlFor="recover-since">Re-send failed since</label>
          <input id="recover-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
          <button type="submit">Recover</button>
        </form>
      </div>
      {list === null && <p>Loading…</p>}
      {list?.length === 0 && <p>No deliveries{state ? ` in state ${state}` : ''}.</p>}
      {list && list.length > 0 && (
        <div className="table-wrap">
          <table className="responsive">
            <caption className="visually-hidden">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <Fragment key={d.id}>
                  <tr>
                    <td data-label="Created">{when(d.created_at)}</td>
                    <td data-label="Event">{d.action ?? '—'}</td>
                    <td data-label="State">
                      <span className={`state state-${d.state}`}>{d.state}</span>
                    </td>
                    <td data-label="Attempts">{d.attempts}</td>
                    <td data-label="Last answer">
                      {d.last_status ?? ''} {d.last_error_code ?? ''} {d.last_error ? <span className="muted">{d.last_error}</span> : null}
                    </td>
                    <td data-label="Actions">
                      <div className="actions">
                        <button type="button" className="secondary" aria-expanded={Boolean(open[d.id])} aria-controls={`attempts-${d.id}`} onClick={() => toggle(d)}>
                          Attempts
                        </button>
                        {RETRYABLE.has(d.state) && (
                          <button type="button" onClick={() => retry(d)} aria-label={`Retry delivery ${d.id.slice(0, 8)}`}>
                            Retry
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                  {open[d.id] && (
                    <tr id={`attempts-${d.id}`} className="attempts">
                      <td colSpan={6}>
                        <AttemptLog detail={open[d.id]!} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" className="secondary" onClick={() => load(cursor)}>
          Load more
        </button>
      )}
    </>
  );
}

function AttemptLog({ detail }: { detail: DeliveryDetail }) {
  if (detail.attempt_log.length === 0) return <p>No attempts yet.</p>;
  return (
    <ol className="attempt-log">
      {detail.attempt_log.map((a) => (
        <li key={a.attempt}>
          <strong>#{a.attempt}</strong> {when(a.started_at)} · {a.outcome}
          {a.status_code !== null ? ` · HTTP ${a.status_code}` : ''} · {a.duration_ms} ms
          {a.error_code ? ` · ${a.error_code}` : ''}
          {a.error_message && <div className="muted">{a.error_message}</div>}
          {a.response_body && <pre>{a.response_body}</pre>}
        </li>
      ))}
    </ol>
  );
}

function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
