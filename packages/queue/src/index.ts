export { queueName } from './names.js';
export { jobDataSchema, batchJobDataSchema, MAX_BATCH_JOB_DELIVERIES, singleJobId, type JobData, type BatchJobData, type DueDelivery } from './job.js';
export { Producer, type ProducerOptions } from './producer.js';
