import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiFailure, when, type ApiToken } from '../api';

const SCOPES = ['events:write', 'events:read', 'sinks:admin', 'admin'] as const;
const message = (err: unknown) => (err instanceof ApiFailure ? err.message : 'The api could not be reached.');

export function Tokens() {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['events:write']);
  const [created, setCreated] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState('');
  const [confirm, setConfirm] = useState<string | null>(null);

  const load = () =>
    api<{ api_tokens: ApiToken[] }>('GET', '/v1/tokens')
      .then((r) => setTokens(r.api_tokens))
      .catch((err: unknown) => setNotice(message(err)));
  useEffect(() => {
    void load();
  }, []);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    if (!name.trim()) return setNotice('Name the token.');
    if (scopes.length === 0) return setNotice('Pick at least one scope.');
    try {
      const { api_token } = await api<{ api_token: ApiToken }>('POST', '/v1/tokens', { name: name.trim(), scopes });
      setCreated(api_token);
      setName('');
      void load();
    } catch (err) {
      setNotice(message(err));
    }
  };

  const revoke = async (id: string) => {
    try {
      await api('DELETE', `/v1/tokens/${id}`);
      setConfirm(null);
      void load();
    } catch (err) {
      setNotice(message(err));
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>API tokens</h1>
      {notice && (
        <p className="error" role="alert">
          {notice}
        </p>
      )}
      {created?.token && (
        <div className="created" role="status">
          <p>
            <strong>Copy the token now:</strong> it is shown only once.
          </p>
          <label htmlFor="new-token">Token for {created.name}</label>
          <input id="new-token" readOnly value={created.token} onFocus={(e) => e.target.select()} />
          <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(created.token!)}>
            Copy
          </button>
        </div>
      )}
      <form className="card" onSubmit={create} noValidate>
        <h2>Create a token</h2>
        <div className="field">
          <label htmlFor="token-name">Name</label>
          <input id="token-name" value={name} onChange={(e) => setName(e.target.value)} required aria-required />
        </div>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <div className="checkbox" key={s}>
              <input id={`scope-${s}`} type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((old) => (e.target.checked ? [...old, s] : old.filter((x) => x !== s)))} />
              <label htmlFor={`scope-${s}`}>{s}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit">Create token</button>
      </form>
      {tokens && (
        <div className="table-wrap">
          <table className="responsive">
            <caption className="visually-hidden">API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <th scope="row" data-label="Name">
                    {t.name}
                  </th>
                  <td data-label="Prefix">
                    <code>{t.prefix}…</code>
                  </td>
                  <td data-label="Scopes">{t.scopes.join(', ')}</td>
                  <td data-label="Created">{when(t.created_at)}</td>
                  <td data-label="Last used">{when(t.last_used_at)}</td>
                  <td data-label="Actions">
                    {confirm === t.id ? (
                      <button type="button" className="danger" onClick={() => revoke(t.id)}>
                        Really revoke {t.name}
                      </button>
                    ) : (
                      <button type="button" className="secondary" onClick={() => setConfirm(t.id)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
