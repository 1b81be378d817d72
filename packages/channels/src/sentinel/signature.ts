import { createHmac } from 'node:crypto';
import { DATA_COLLECTOR_RESOURCE } from './config.js';

/**
 * The Data Collector's content type, exactly: Microsoft's C# sample warns "If charset=utf-8 is
 * part of the content-type header, the API call may return forbidden" (channels.md §0, gotcha 2),
 * and the value is part of the string to sign.
 */
export const DATA_COLLECTOR_CONTENT_TYPE = 'application/json';

/**
 * `VERB\nContent-Length\nContent-Type\nx-ms-date:<date>\n/api/logs` (data-collector-api,
 * "Authorization"). `contentLength` is the body's length in **bytes** (UTF-8), as in Microsoft's
 * C# and Java samples; a character count signs non-ASCII bodies wrongly.
 */
export function collectorStringToSign(contentLength: number, date: string): string {
  return `POST\n${contentLength}\n${DATA_COLLECTOR_CONTENT_TYPE}\nx-ms-date:${date}\n${DATA_COLLECTOR_RESOURCE}`;
}

/** `Base64(HMAC-SHA256(key = Base64Decode(sharedKey), UTF8(stringToSign)))`. */
export function collectorSignature(sharedKey: string, contentLength: number, date: string): string {
  return createHmac('sha256', Buffer.from(sharedKey, 'base64')).update(collectorStringToSign(contentLength, date), 'utf8').digest('base64');
}

/** `Authorization: SharedKey <WorkspaceID>:<Signature>`. */
export function collectorAuthorization(workspaceId: string, sharedKey: string, contentLength: number, date: string): string {
  return `SharedKey ${workspaceId}:${collectorSignature(sharedKey, contentLength, date)}`;
}

/** `x-ms-date` in RFC 1123 form, e.g. `Mon, 04 Apr 2016 08:00:00 GMT` (what `toUTCString` prints). */
export const rfc1123 = (date: Date): string => date.toUTCString();
