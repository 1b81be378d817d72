/**
 * A response body as a JSON object, or undefined when it is not one (not JSON, an array, a
 * proxy's HTML page). Vendors' answers are read through it, never trusted to parse.
 */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
