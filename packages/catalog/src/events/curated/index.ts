import { accessEvents } from './access.js';
import { aiEvents } from './ai.js';
import { anomalyEvents } from './anomaly.js';
import { identityEvents } from './identity.js';
import { orgEvents } from './org.js';
import { secretEvents } from './secret.js';

/** The curated push catalog (seed: VaultTerm integrations): only events worth a human's attention. */
export const curatedEvents = {
  ...secretEvents,
  ...accessEvents,
  ...identityEvents,
  ...orgEvents,
  ...aiEvents,
  ...anomalyEvents,
};
