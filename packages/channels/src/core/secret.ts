import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * A credential. Printing, logging or serialising it yields `[REDACTED]`; the value is read only
 * with an explicit `reveal()`. Slack and Teams webhook URLs are secrets too: the URL is the key.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export const REDACTED_MARKER = REDACTED;
