import { StrictMode, useCallback, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { currentSession, signOut, useSession, type Session } from './api';
import { Link, navigate, usePath } from './router';
import { SignIn } from './pages/sign-in';
import { Integrations } from './pages/integrations';
import { IntegrationForm } from './pages/integration-form';
import { Deliveries } from './pages/deliveries';
import { Tokens } from './pages/tokens';
import { Catalog } from './pages/catalog';
import './styles.css';

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const path = usePath();
  const main = useRef<HTMLElement>(null);
  const signedOut = useCallback(() => setSession(null), []);
  useSession(session ?? null, signedOut);

  useEffect(() => {
    void currentSession().then(setSession);
  }, []);
  useEffect(() => {
    // A new page: move focus to its heading, so keyboard and screen-reader users start there.
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path, session]);

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null)
    return (
      <main ref={main} id="main">
        <SignIn onSignedIn={(s) => setSession(s)} />
      </main>
    );

  const out = async () => {
    await signOut().catch(() => undefined);
    setSession(null);
    navigate('/');
  };

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Tocsin</span>
        <nav aria-label="Main">
          <Link to="/" aria-current={path === '/' || path.startsWith('/integrations') ? 'page' : undefined}>
            Integrations
          </Link>
          <Link to="/tokens" aria-current={path === '/tokens' ? 'page' : undefined}>
            API tokens
          </Link>
          <Link to="/catalog" aria-current={path === '/catalog' ? 'page' : undefined}>
            Catalog
          </Link>
          {session.operator && <a href="/admin/queues">Queues</a>}
        </nav>
        <button type="button" className="secondary" onClick={out}>
          Sign out
        </button>
      </header>
      <main ref={main} id="main">
        <Page path={path} session={session} />
      </main>
    </>
  );
}

function Page({ path, session }: { path: string; session: Session }) {
  if (path === '/' || path === '/integrations') return <Integrations />;
  if (path === '/integrations/new') return <IntegrationForm session={session} />;
  const edit = /^\/integrations\/([0-9a-f-]{36})\/edit$/.exec(path);
  if (edit) return <IntegrationForm session={session} id={edit[1]} />;
  const log = /^\/integrations\/([0-9a-f-]{36})\/deliveries$/.exec(path);
  if (log) return <Deliveries id={log[1]!} />;
  if (path === '/tokens') return <Tokens />;
  if (path === '/catalog') return <Catalog />;
  return (
    <>
      <h1 tabIndex={-1}>Not found</h1>
      <p>
        <Link to="/">Back to integrations</Link>
      </p>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
