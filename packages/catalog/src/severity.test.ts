import { catalog } from './catalog.js';
import { LEVELS, atLeast, effectiveSeverity, levelOfSeverity, parseSeverity, recordLevel, severityOfLevel, severityRank, siemLevel } from './severity.js';
import { SEVERITIES } from './types.js';

describe('parseSeverity', () => {
  it.each([
    ['low', { severity: 'low' }],
    ['Medium', { severity: 'medium' }],
    ['HIGH', { severity: 'high' }],
    ['critical', { severity: 'critical' }],
    ['Critical', { severity: 'critical' }],
    ['DEBUG', { severity: 'low', level: 'DEBUG' }],
    ['INFO', { severity: 'low', level: 'INFO' }],
    ['WARN', { severity: 'medium', level: 'WARN' }],
    ['ERROR', { severity: 'high', level: 'ERROR' }],
    ['CRITICAL', { severity: 'critical', level: 'CRITICAL' }],
    ['warn', { severity: 'medium', level: 'WARN' }],
    ['Debug', { severity: 'low', level: 'DEBUG' }],
  ] as const)('reads %j as %j', (input, expected) => {
    expect(parseSeverity(input)).toEqual(expected);
  });

  it.each(['', 'warning', 'fatal', ' high', 'sev1'])('rejects %j', (input) => {
    expect(parseSeverity(input)).toBeUndefined();
  });
});

describe('levels and severities', () => {
  it('translates each way, DEBUG and INFO both being low', () => {
    expect(LEVELS.map(severityOfLevel)).toEqual(['low', 'low', 'medium', 'high', 'critical']);
    expect(SEVERITIES.map(levelOfSeverity)).toEqual(['INFO', 'WARN', 'ERROR', 'CRITICAL']);
  });
});

describe('recordLevel', () => {
  const vaultpam = catalog.MFA_VERIFICATION_FAILED;
  const pushCatalog = catalog.JIT_APPROVED;

  it('keeps a level the producer sent, for any event', () => {
    expect(recordLevel(vaultpam, { severity: 'low', level: 'DEBUG' })).toBe('DEBUG');
    expect(recordLevel(pushCatalog, { severity: 'critical', level: 'CRITICAL' })).toBe('CRITICAL');
    expect(recordLevel(undefined, { severity: 'high', level: 'ERROR' })).toBe('ERROR');
  });

  it('gives a VaultPAM-catalog event its catalog default, or the level of a severity sent instead', () => {
    expect(vaultpam.source).toBe('vaultpam');
    expect(recordLevel(vaultpam, undefined)).toBe(levelOfSeverity(vaultpam.severity));
    expect(recordLevel(vaultpam, { severity: 'high' })).toBe('ERROR');
  });

  it('leaves other events without a level when none was sent', () => {
    expect(pushCatalog.source).toBe('vaultterm');
    expect(recordLevel(pushCatalog, undefined)).toBeNull();
    expect(recordLevel(pushCatalog, { severity: 'high' })).toBeNull();
    expect(recordLevel(undefined, undefined)).toBeNull();
  });
});

describe('siemLevel', () => {
  const vaultpam = catalog.MFA_VERIFICATION_FAILED;
  const exposure = catalog.CREDENTIAL_EXPOSURE_DETECTED;
  const jit = catalog.JIT_APPROVED;

  it('uses the recorded level of a VaultPAM-catalog event, whatever its catalog severity', () => {
    expect(siemLevel(vaultpam, 'DEBUG', vaultpam.severity)).toBe('DEBUG');
    expect(siemLevel(vaultpam, 'CRITICAL', vaultpam.severity)).toBe('CRITICAL');
  });

  it("keeps today's effective severity for push-catalog events", () => {
    expect(jit.ownSeverity).toBe(false);
    expect(siemLevel(jit, 'CRITICAL', jit.severity)).toBe(levelOfSeverity(jit.severity));
    expect(siemLevel(jit, null, 'high')).toBe('ERROR');
  });

  it('uses the sent level of a push-catalog event that carries its own severity', () => {
    expect(siemLevel(exposure, 'DEBUG', 'low')).toBe('DEBUG');
    expect(siemLevel(exposure, null, 'high')).toBe('ERROR');
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
