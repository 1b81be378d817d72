export { startWorker, selectChannels, type RunningWorker } from './worker.js';
export { Relay } from './relay.js';
export { retryDelayMs } from './backoff.js';
