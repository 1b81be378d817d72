/**
 * One queue per channel, so a slow or throttled destination cannot hold up another. The
 * braces are a Redis Cluster hash tag: every key of one queue lands in one slot.
 */
/**
 * The pub/sub channel on which a change to a tenant's sinks is announced (the message is the tenant
 * id): the api's sink caches drop the tenant's entry. Redis pub/sub is one namespace per server
 * (per cluster), whatever the key prefix, so the channel carries the deployment's prefix, as its
 * queues do, and deployments sharing a Redis do not hear each other.
 */
export function sinksChangedChannel(prefix: string): string {
  return `${prefix}:sinks-changed`;
}

export function queueName(channelId: string): string {
  return `{deliver.${channelId}}`;
}
