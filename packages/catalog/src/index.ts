export * from './types.js';
export * from './record.js';
export * from './catalog.js';
export * from './lookup.js';
export * from './severity.js';
export * from './vaultpam.js';
