export { queueName, sinksChangedChannel } from './names.js';
export { jobDataSchema, batchJobDataSchema, MAX_BATCH_JOB_DELIVERIES, singleJobId, type JobData, type BatchJobData, type DueDelivery } from './job.js';
export { Producer, type ProducerOptions } from './producer.js';
export { FairShare, MAX_PRIORITY, type FairShareOptions } from './fair-share.js';
export { connectRedis, serversOf, type RedisClient, type RedisTarget, type ConnectionOptions } from './connection.js';
export { checkEvictionPolicy, evictionPolicies, EvictionPolicyError, type CheckLogger } from './eviction.js';
