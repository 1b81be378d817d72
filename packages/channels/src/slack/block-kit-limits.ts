import {
  MAX_BLOCKS,
  MAX_CONTEXT_ELEMENTS,
  MAX_FALLBACK_TEXT,
  MAX_FIELD_TEXT,
  MAX_HEADER_TEXT,
  MAX_SECTION_FIELDS,
  MAX_SECTION_TEXT,
  MAX_TEXT_OBJECT,
} from './render.js';

/**
 * Slack publishes no runtime schema for Block Kit (channels.md §3: `@slack/types` is compile-time
 * only), so the limits a posted message must keep are checked here, by reading the JSON as Slack
 * would, not through our render types. Returns every violation; an empty list means within limits.
 */
export function blockKitViolations(message: unknown): string[] {
  const problems: string[] = [];
  const m = message as { text?: unknown; blocks?: unknown };
  const len = (value: unknown): number => (typeof value === 'string' ? value.length : Number.NaN);
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };

  check(typeof m.text === 'string' && len(m.text) >= 1 && len(m.text) <= MAX_FALLBACK_TEXT, `text: 1..${MAX_FALLBACK_TEXT} characters`);
  if (!Array.isArray(m.blocks)) return [...problems, 'blocks: not an array'];
  check(m.blocks.length >= 1 && m.blocks.length <= MAX_BLOCKS, `blocks: ${m.blocks.length} > ${MAX_BLOCKS}`);

  m.blocks.forEach((raw: unknown, i: number) => {
    const block = raw as { type?: unknown; text?: { type?: unknown; text?: unknown }; fields?: unknown; elements?: unknown };
    const at = `blocks[${i}] (${String(block.type)})`;
    switch (block.type) {
      case 'header':
        check(block.text?.type === 'plain_text', `${at}: header text must be plain_text`);
        check(len(block.text?.text) >= 1 && len(block.text?.text) <= MAX_HEADER_TEXT, `${at}: header text 1..${MAX_HEADER_TEXT}`);
        break;
      case 'section': {
        check(block.text !== undefined || Array.isArray(block.fields), `${at}: needs text or fields`);
        if (block.text !== undefined) check(len(block.text.text) >= 1 && len(block.text.text) <= MAX_SECTION_TEXT, `${at}: text 1..${MAX_SECTION_TEXT}`);
        if (block.fields !== undefined) {
          const fields = block.fields as Array<{ text?: unknown }>;
          check(fields.length >= 1 && fields.length <= MAX_SECTION_FIELDS, `${at}: ${fields.length} fields > ${MAX_SECTION_FIELDS}`);
          fields.forEach((f, j) => check(len(f.text) >= 1 && len(f.text) <= MAX_FIELD_TEXT, `${at}.fields[${j}]: 1..${MAX_FIELD_TEXT}`));
        }
        break;
      }
      case 'context': {
        const elements = block.elements as Array<{ text?: unknown }>;
        check(Array.isArray(elements) && elements.length >= 1 && elements.length <= MAX_CONTEXT_ELEMENTS, `${at}: 1..${MAX_CONTEXT_ELEMENTS} elements`);
        (elements ?? []).forEach((e, j) => check(len(e.text) >= 1 && len(e.text) <= MAX_TEXT_OBJECT, `${at}.elements[${j}]: 1..${MAX_TEXT_OBJECT}`));
        break;
      }
      default:
        problems.push(`${at}: unexpected block type`);
    }
  });
  return problems;
}
