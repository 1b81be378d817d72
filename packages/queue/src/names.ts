/**
 * One queue per channel, so a slow or throttled destination cannot hold up another. The
 * braces are a Redis Cluster hash tag: every key of one queue lands in one slot.
 */
export function queueName(channelId: string): string {
  return `{deliver.${channelId}}`;
}
