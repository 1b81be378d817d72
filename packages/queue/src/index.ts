export { queueName } from './names.js';
export { jobDataSchema, type JobData, type DueDelivery } from './job.js';
export { Producer, type ProducerOptions } from './producer.js';
