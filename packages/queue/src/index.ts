export { queueName, sinksChangedChannel } from './names.js';
export { jobDataSchema, batchJobDataSchema, MAX_BATCH_JOB_DELIVERIES, singleJobId, type JobData, type BatchJobData, type DueDelivery } from './job.js';
export { Producer } from './producer.js';
export { openQueueStore, queueStoreOptionsOf, type QueueKind, type QueueStore, type QueueStoreConfig, type QueueStoreOptions, type WorkerTuning } from './store.js';
export { postgresChannel, type Bus } from './bus.js';
export { FairShare, MAX_PRIORITY, type FairShareOptions } from './fair-share.js';
export { connectRedis, serversOf, untilReady, withTimeout, type RedisClient, type RedisTarget, type ConnectionOptions } from './connection.js';
export { checkEvictionPolicy, evictionPolicies, EvictionPolicyError, type CheckLogger } from './eviction.js';
