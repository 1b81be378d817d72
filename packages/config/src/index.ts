export * from './config.js';
export * from './logger.js';
export * from './metrics-access.js';
export * from './local-services.js';
export * from './node-args.js';
