import { scopesOf } from './jwt.js';

test.each<[string, Record<string, unknown>, string[]]>([
  ['no scope claim: events:read', {}, ['events:read']],
  ['a space-separated scope claim', { scope: 'sinks:admin  events:read' }, ['events:read', 'sinks:admin']],
  ['an scp array', { scp: ['admin'] }, ['admin']],
  ['an scp string (Entra ID)', { scp: 'events:write' }, ['events:write']],
  ['scope wins over scp', { scope: 'events:read', scp: ['admin'] }, ['events:read']],
  ['scopes Tocsin does not know are dropped', { scope: 'openid profile root admin:all events:write' }, ['events:write']],
  ['a claim naming none of Tocsin’s scopes grants none', { scope: 'openid email' }, []],
  ['a claim of the wrong type grants none', { scope: 42 }, []],
  ['an array with a non-string grants none', { scp: ['admin', 1] }, []],
])('%s', (_name, payload, expected) => {
  expect([...scopesOf(payload)]).toEqual(expected);
});
