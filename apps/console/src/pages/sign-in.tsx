import { useState, type FormEvent } from 'react';
import { ApiFailure, signIn, type Session } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (!token.trim().startsWith('tct_')) {
      setError('An API token begins with tct_.');
      return;
    }
    setBusy(true);
    try {
      onSignedIn(await signIn(token.trim()));
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : 'The api could not be reached.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="signin">
      <h1 tabIndex={-1}>Sign in to Tocsin</h1>
      <p>Paste an API token. The console keeps a session in a cookie; the token itself is not stored in the browser.</p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'token-error' : undefined}
          required
        />
        {error && (
          <p id="token-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
