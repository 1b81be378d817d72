import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiFailure, SEVERITIES, type Session, type Sink } from '../api';
import { KINDS, kindOf, type Field } from '../kinds';
import { Link, navigate } from '../router';

const REDACTED = '[REDACTED]';

interface Values {
  kind: string;
  name: string;
  description: string;
  min_severity: string;
  events: string;
  enabled: boolean;
  config: Record<string, string>;
}

type Errors = Record<string, string>;

const empty: Values = { kind: 'Slack', name: '', description: '', min_severity: 'high', events: '*', enabled: true, config: {} };

/** Client-side checks: what is required, what a pattern or URL must look like. The api decides the rest. */
function validate(v: Values, editing: boolean): Errors {
  const errors: Errors = {};
  if (!v.name.trim()) errors.name = 'Give the integration a label.';
  if (!v.events.trim()) errors.events = 'Name events (comma-separated constants) or * for all.';
  for (const f of kindOf(v.kind)?.fields ?? []) {
    const value = (v.config[f.name] ?? '').trim();
    if (!value) {
      if (f.required && !(editing && f.secret)) errors[`config.${f.name}`] = `${f.label} is required.`;
      continue;
    }
    if (f.kind === 'url') {
      try {
        const u = new URL(value);
        if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
      } catch {
        errors[`config.${f.name}`] = `${f.label} must be an http(s) URL.`;
        continue;
      }
    }
    if (f.pattern && !new RegExp(`^(?:${f.pattern})$`).test(value)) errors[`config.${f.name}`] = `${f.label} must be ${f.patternHint ?? 'in the expected form'}.`;
  }
  return errors;
}

/** The api's 400 details by form field: `event_sink_args.Slack.webhook_url` → `config.webhook_url`. */
function fromApi(err: ApiFailure, kind: string): { fields: Errors; other: string[] } {
  const fields: Errors = {};
  const other: string[] = [];
  for (const d of err.details) {
    const parts = d.path.split('.');
    let key: string | undefined;
    if (parts[0] === 'event_sink_args' && parts[1] === kind && parts[2]) key = `config.${parts[2]}`;
    else if (parts[0] && ['name', 'description', 'min_severity', 'enabled'].includes(parts[0])) key = parts[0];
    else if (parts[0] === 'events') key = 'events';
    if (key && !fields[key]) fields[key] = d.message;
    else other.push(`${d.path}: ${d.message}`);
  }
  return { fields, other };
}

export function IntegrationForm({ session, id }: { session: Session; id?: string }) {
  const editing = id !== undefined;
  const [values, setValues] = useState<Values>(empty);
  const [loaded, setLoaded] = useState(!editing);
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (!id) return;
    api<{ event_sink: Sink }>('GET', `/v1/event_sink/${id}`)
      .then(({ event_sink: s }) => {
        const config = s.configuration[s.event_sink_type] ?? {};
        setValues({
          kind: s.event_sink_type,
          name: s.name,
          description: s.description,
          min_severity: s.min_severity,
          events: s.events.join(', '),
          enabled: s.enabled,
          // Secrets come back as [REDACTED]: show them blank, and send nothing for them unless retyped.
          config: Object.fromEntries(Object.entries(config).filter(([, v]) => v !== REDACTED && (typeof v === 'string' || typeof v === 'number')).map(([k, v]) => [k, String(v)])),
        });
        setLoaded(true);
      })
      .catch((err: unknown) => setGeneral([err instanceof ApiFailure ? err.message : 'The api could not be reached.']));
  }, [id]);

  const kind = kindOf(values.kind)!;
  const set = (patch: Partial<Values>) => setValues((v) => ({ ...v, ...patch }));
  const setConfig = (name: string, value: string) => setValues((v) => ({ ...v, config: { ...v.config, [name]: value } }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validate(values, editing);
    setErrors(found);
    setGeneral([]);
    if (Object.keys(found).length > 0) {
      document.getElementById(fieldId(Object.keys(found)[0]!))?.focus();
      return;
    }
    const args: Record<string, unknown> = {};
    for (const f of kind.fields) {
      const value = (values.config[f.name] ?? '').trim();
      if (value) args[f.name] = value;
      else if (editing && !f.secret && !f.required) args[f.name] = null; // cleared: remove it
    }
    if (editing) for (const [k, v] of Object.entries(args)) if (v === null && !(k in values.config)) delete args[k];
    const body = {
      name: values.name.trim(),
      description: values.description,
      event_sink_args: { [values.kind]: args },
      events: values.events.split(',').map((s) => s.trim()).filter(Boolean),
      min_severity: values.min_severity,
      enabled: values.enabled,
    };
    setBusy(true);
    try {
      if (editing) await api('PUT', `/v1/event_sink/${id}`, body);
      else await api('POST', '/v1/event_sink', body);
      navigate('/');
    } catch (err) {
      if (err instanceof ApiFailure) {
        const { fields, other } = fromApi(err, values.kind);
        setErrors(fields);
        setGeneral([err.message, ...other]);
        const first = Object.keys(fields)[0];
        if (first) document.getElementById(fieldId(first))?.focus();
      } else setGeneral(['The api could not be reached.']);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      await api('DELETE', `/v1/event_sink/${id}`);
      navigate('/');
    } catch (err) {
      setGeneral([err instanceof ApiFailure ? err.message : 'The api could not be reached.']);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>{editing ? `Edit ${values.name || 'integration'}` : 'Add integration'}</h1>
      <p>
        <Link to="/">← Integrations</Link>
      </p>
      {!loaded && general.length === 0 && <p>Loading…</p>}
      {loaded && (
        <div className="form-layout">
          <form onSubmit={submit} noValidate aria-describedby={general.length ? 'form-errors' : undefined}>
            {general.length > 0 && (
              <div id="form-errors" className="error-box" role="alert">
                {general.map((g, i) => (
                  <p key={i}>{g}</p>
                ))}
              </div>
            )}
            <Select
              name="kind"
              label="Kind"
              value={values.kind}
              disabled={editing}
              onChange={(kind) => set({ kind, config: {} })}
              options={KINDS.map((k) => ({ value: k.type, label: k.plan === 'enterprise' && session.plan !== 'enterprise' ? `${k.label} (enterprise plan)` : k.label }))}
            />
            {kind.fields.map((f) => (
              <ConfigInput key={f.name} field={f} value={values.config[f.name] ?? ''} editing={editing} error={errors[`config.${f.name}`]} onChange={(v) => setConfig(f.name, v)} />
            ))}
            <Text name="name" label="Label" hint="Something memorable, e.g. #soc-alerts" value={values.name} error={errors.name} onChange={(name) => set({ name })} required />
            <Text name="description" label="Description" value={values.description} error={errors.description} onChange={(description) => set({ description })} />
            <Select
              name="min_severity"
              label="Minimum severity"
              hint="Events below it are not sent. A test is sent at this severity."
              value={values.min_severity}
              error={errors.min_severity}
              onChange={(min_severity) => set({ min_severity })}
              options={SEVERITIES.map((s) => ({ value: s, label: s }))}
            />
            <Text name="events" label="Events" hint="* for all, or catalog constants separated by commas (see Catalog)" value={values.events} error={errors.events} onChange={(events) => set({ events })} required />
            <div className="field checkbox">
              <input id="f-enabled" type="checkbox" checked={values.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
              <label htmlFor="f-enabled">Enabled</label>
            </div>
            <div className="actions">
              <button type="submit" disabled={busy}>
                {busy ? 'Saving…' : 'Save'}
              </button>
              {editing && !confirmDelete && (
                <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
                  Delete
                </button>
              )}
              {editing && confirmDelete && (
                <button type="button" className="danger" onClick={remove}>
                  Really delete
                </button>
              )}
            </div>
          </form>
          <aside className="setup" aria-labelledby="setup-title">
            <h2 id="setup-title">Set up {kind.label}</h2>
            {kind.setup}
            <p>
              <a href={kind.docs} target="_blank" rel="noreferrer noopener">
                {kind.label} documentation
              </a>
            </p>
            {kind.plan === 'enterprise' && <p className="muted">{kind.label} needs the enterprise plan.</p>}
          </aside>
        </div>
      )}
    </>
  );
}

const fieldId = (key: string) => `f-${key.replace('.', '-')}`;

function Hint({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="error">
          {error}
        </p>
      )}
    </>
  );
}

const describedBy = (id: string, hint?: string, error?: string) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

function Text(props: { name: string; label: string; value: string; onChange: (v: string) => void; hint?: string; error?: string | undefined; required?: boolean; type?: string; placeholder?: string; pattern?: string }) {
  const id = fieldId(props.name);
  return (
    <div className="field">
      <label htmlFor={id}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete="off"
        spellCheck={false}
        required={props.required}
        aria-required={props.required}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <Hint id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

function Select(props: { name: string; label: string; value: string; onChange: (v: string) => void; options: { value: string; label: string }[]; hint?: string; error?: string | undefined; disabled?: boolean; optional?: boolean }) {
  const id = fieldId(props.name);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} disabled={props.disabled} aria-invalid={props.error ? true : undefined} aria-describedby={describedBy(id, props.hint, props.error)} onChange={(e) => props.onChange(e.target.value)}>
        {props.optional && <option value="">(default)</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Hint id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

function ConfigInput({ field, value, editing, error, onChange }: { field: Field; value: string; editing: boolean; error?: string | undefined; onChange: (v: string) => void }) {
  const name = `config.${field.name}`;
  const hint = [field.hint, field.secret && editing ? 'Saved and hidden: leave blank to keep it.' : ''].filter(Boolean).join(' ');
  if (field.kind === 'select')
    return <Select name={name} label={field.label} value={value} hint={hint || undefined} error={error} optional onChange={onChange} options={(field.options ?? []).map((o) => ({ value: o, label: o }))} />;
  return (
    <Text
      name={name}
      label={field.label}
      value={value}
      type={field.secret ? 'password' : field.kind === 'url' ? 'url' : 'text'}
      hint={hint || undefined}
      error={error}
      required={field.required && !(editing && field.secret)}
      placeholder={field.secret && editing ? '•••••• (unchanged)' : undefined}
      onChange={onChange}
    />
  );
}
