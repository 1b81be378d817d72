import { catalog } from './catalog.js';
import { isCatalogConstant, lookupAction } from './lookup.js';

describe('lookupAction', () => {
  it('finds an entry by wire string', () => {
    expect(lookupAction('mfa.recovery.requested')).toBe(catalog.MFA_RECOVERY_REQUESTED);
    expect(lookupAction('Agent Pairing Initiated')).toBe(catalog.AGENT_PAIRING_INITIATED);
    expect(lookupAction('proxy.ssh.session.opened')).toBe(catalog.PROXY_SSH_SESSION_OPENED);
    expect(lookupAction('HTTP_SESSION_STARTED')).toBe(catalog.HTTP_SESSION_STARTED);
  });

  it('finds an entry by constant when the wire string differs', () => {
    expect(lookupAction('MFA_RECOVERY_REQUESTED')).toBe(catalog.MFA_RECOVERY_REQUESTED);
    expect(lookupAction('SECRET_ACCESSED')?.action).toBe('Secret Accessed (Metadata-only)');
  });

  it('finds curated events, whose wire string is the constant', () => {
    expect(lookupAction('HONEYTOKEN_TRIPPED')).toBe(catalog.HONEYTOKEN_TRIPPED);
  });

  it('resolves every entry by both its names', () => {
    for (const entry of Object.values(catalog)) {
      expect(lookupAction(entry.action)).toBe(entry);
      expect(lookupAction(entry.constant)).toBe(entry);
    }
  });

  it('returns undefined outside the catalog, without case folding', () => {
    expect(lookupAction('user.logged_in')).toBeUndefined();
    expect(lookupAction('honeytoken_tripped')).toBeUndefined();
    expect(lookupAction('')).toBeUndefined();
    // Inherited object keys must not count as actions.
    expect(lookupAction('constructor')).toBeUndefined();
  });
});

describe('isCatalogConstant', () => {
  it('accepts constants only', () => {
    expect(isCatalogConstant('JIT_APPROVED')).toBe(true);
    expect(isCatalogConstant('GROUP_CREATED')).toBe(true);
    expect(isCatalogConstant('group.created')).toBe(false);
    expect(isCatalogConstant('toString')).toBe(false);
  });
});
