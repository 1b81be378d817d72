import { SCOPES } from '../auth/tokens.js';
import { createTokenBody } from './schema.js';
import { ungrantable } from './service.js';

test('a credential never grants a scope it lacks; admin holds them all', () => {
  expect(ungrantable(['admin'], [...SCOPES])).toEqual([]);
  expect(ungrantable(['sinks:admin', 'events:read'], ['events:read', 'events:write', 'admin'])).toEqual(['events:write', 'admin']);
  expect(ungrantable([], ['events:read'])).toEqual(['events:read']);
});

test('scopes are known ones, each once, in a stable order', () => {
  expect(createTokenBody.parse({ name: ' ci ', scopes: ['events:write', 'events:read', 'events:write'] })).toEqual({ name: 'ci', scopes: ['events:write', 'events:read'] });
  const bad = createTokenBody.safeParse({ name: 'x', scopes: ['events:read', 'root'] });
  expect(bad.success).toBe(false);
  expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['scopes.1']);
});

test('unknown fields and empty names or scope lists are refused', () => {
  const paths = (v: unknown) => createTokenBody.safeParse(v).error?.issues.map((i) => i.path.join('.') || '(body)');
  expect(paths({ name: 'x', scopes: ['admin'], token: 'tct_mine' })).toEqual(['(body)']);
  expect(paths({ name: '  ', scopes: [] })).toEqual(['name', 'scopes']);
  expect(paths({ scopes: ['admin'] })).toEqual(['name']);
});
