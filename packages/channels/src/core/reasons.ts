/**
 * Why a delivery attempt failed: a closed, low-cardinality list used as a metric label, in the
 * attempt log and as the delivery's last error code. Raw messages go to logs, never here.
 */
export const FAILURE_REASONS = [
  'client_error', // 4xx that a retry cannot fix
  'auth_error', // 401 / 403: the credential is wrong or revoked
  'not_found', // 404 / 410: the endpoint is gone
  'rate_limited', // 429 or a vendor's throttle signal
  'server_error', // 5xx
  'timeout', // no answer within the request timeout
  'network', // DNS, connection refused or reset, TLS
  'egress_denied', // the egress guard refused the destination address
  'payload_too_large', // 413 or over the vendor's documented limit
  'invalid_config', // the stored configuration no longer validates
  'unexpected_response', // 2xx whose body says it failed (Slack, Teams) or 3xx
  'unknown',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
