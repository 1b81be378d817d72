export { startWorker, selectChannels, type RunningWorker } from './worker.js';
export { Relay } from './relay.js';
export { Retention, type RetentionPass } from './retention.js';
export { retryDelayMs } from './backoff.js';
