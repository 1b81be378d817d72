import { z } from 'zod';
import { EgressDeniedError } from './egress-error.js';
import { parseEgressUrl } from './egress-url.js';

/**
 * An absolute http(s) URL field for channel configs: the egress guard's syntax rules (no
 * userinfo, no whitespace or control characters), checked when the config is parsed so the error
 * names the field. The address check needs DNS and runs separately at save time
 * (`assertUrlAllowed` on `channel.urls(config)`) and at every connection.
 */
export function httpUrlField(maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .superRefine((value, ctx) => {
      try {
        parseEgressUrl(value);
      } catch (error) {
        if (!(error instanceof EgressDeniedError)) throw error;
        ctx.addIssue({ code: 'custom', message: `must be an absolute http or https URL (${error.reason})` });
      }
    });
}
