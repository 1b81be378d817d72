import { catalog } from './catalog.js';
import { atLeast, effectiveSeverity, parseSeverity, severityRank } from './severity.js';
import { SEVERITIES } from './types.js';

describe('parseSeverity', () => {
  it.each([
    ['low', 'low'],
    ['Medium', 'medium'],
    ['HIGH', 'high'],
    ['critical', 'critical'],
    ['DEBUG', 'low'],
    ['INFO', 'low'],
    ['WARN', 'medium'],
    ['ERROR', 'high'],
    ['CRITICAL', 'critical'],
    ['warn', 'medium'],
  ] as const)('reads %j as %s', (input, expected) => {
    expect(parseSeverity(input)).toBe(expected);
  });

  it.each(['', 'warning', 'fatal', ' high', 'sev1'])('rejects %j', (input) => {
    expect(parseSeverity(input)).toBeUndefined();
  });
});

describe('severityRank and atLeast', () => {
  it('orders low < medium < high < critical', () => {
    expect(SEVERITIES.map(severityRank)).toEqual([0, 1, 2, 3]);
  });

  it('compares against a minimum', () => {
    expect(atLeast('critical', 'high')).toBe(true);
    expect(atLeast('high', 'high')).toBe(true);
    expect(atLeast('medium', 'high')).toBe(false);
    expect(atLeast('low', 'low')).toBe(true);
  });
});

describe('effectiveSeverity', () => {
  const exposure = catalog.CREDENTIAL_EXPOSURE_DETECTED;
  const jit = catalog.JIT_APPROVED;

  it('takes the supplied severity for events that carry their own', () => {
    expect(effectiveSeverity(exposure, 'low')).toBe('low');
    expect(effectiveSeverity({ ...exposure, severity: 'medium' }, 'critical')).toBe('critical');
  });

  it('falls back to the default when such an event arrives without one', () => {
    expect(effectiveSeverity(exposure, undefined)).toBe('critical');
  });

  it('keeps the catalog default for other catalog events, whatever was supplied', () => {
    expect(effectiveSeverity(jit, 'critical')).toBe('medium');
    expect(effectiveSeverity(jit, undefined)).toBe('medium');
  });

  it('uses the supplied severity, or low, outside the catalog', () => {
    expect(effectiveSeverity(undefined, 'high')).toBe('high');
    expect(effectiveSeverity(undefined, undefined)).toBe('low');
  });
});
