import { useEffect, useMemo, useState } from 'react';
import { api, ApiFailure, type CatalogEntry } from '../api';

export function Catalog() {
  const [events, setEvents] = useState<CatalogEntry[] | null>(null);
  const [error, setError] = useState('');
  const [query, setQuery] = useState('');
  const [pushOnly, setPushOnly] = useState(false);

  useEffect(() => {
    api<{ events: CatalogEntry[] }>('GET', '/v1/catalog')
      .then((r) => setEvents(r.events))
      .catch((err: unknown) => setError(err instanceof ApiFailure ? err.message : 'The api could not be reached.'));
  }, []);

  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return (events ?? []).filter((e) => (!pushOnly || e.push) && words.every((w) => `${e.constant} ${e.action} ${e.title} ${e.group} ${e.category ?? ''} ${e.severity}`.toLowerCase().includes(w)));
  }, [events, query, pushOnly]);

  return (
    <>
      <h1 tabIndex={-1}>Catalog</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="catalog-search">Search</label>
          <input id="catalog-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-controls="catalog-table" />
        </div>
        <div className="checkbox">
          <input id="push-only" type="checkbox" checked={pushOnly} onChange={(e) => setPushOnly(e.target.checked)} />
          <label htmlFor="push-only">Push-eligible only</label>
        </div>
      </div>
      <p role="status">{events ? `${shown.length} of ${events.length} events` : 'Loading…'}</p>
      {events && (
        <div className="table-wrap">
          <table className="responsive" id="catalog-table">
            <caption className="visually-hidden">Catalog events</caption>
            <thead>
              <tr>
                <th scope="col">Constant</th>
                <th scope="col">Title</th>
                <th scope="col">Group</th>
                <th scope="col">Severity</th>
                <th scope="col">Push</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, 500).map((e) => (
                <tr key={`${e.source}:${e.constant}`}>
                  <th scope="row" data-label="Constant">
                    <code>{e.constant}</code>
                    <div className="muted">{e.action}</div>
                  </th>
                  <td data-label="Title">{e.title}</td>
                  <td data-label="Group">{e.group}</td>
                  <td data-label="Severity">{e.severity}</td>
                  <td data-label="Push">{e.push ? 'Yes' : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
