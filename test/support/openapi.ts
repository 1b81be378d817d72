import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;
interface Document {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  components: { schemas: Record<string, Json> };
}

/** A JSON Schema 2020-12 validator with formats, strict about unknown keywords. */
export function schemaValidator(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  (addFormatsModule as unknown as { default: (a: Ajv2020) => void }).default(ajv);
  return ajv;
}

/** Replaces `#/components/schemas/X` references by the component, so each schema stands alone. */
function inline(schema: unknown, components: Record<string, Json>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, components));
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = (schema as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const target = components[ref.slice('#/components/schemas/'.length)];
    if (!target) throw new Error(`dangling reference ${ref}`);
    return inline(target, components);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v, components)]));
}

/**
 * Checks real answers against what the document says of them: the response declared for the
 * operation and status must exist and its schema must accept the body. Returns the problems
 * found (empty when the answer agrees).
 */
export function responseChecker(doc: Document) {
  const ajv = schemaValidator();
  const compiled = new Map<string, ValidateFunction>();
  return (method: string, path: string, status: number, body: unknown, mediaType = 'application/json'): string[] => {
    const response = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
    if (!response) return [`${method} ${path}: no ${status} response is declared`];
    const schema = response.content?.[mediaType]?.schema;
    if (!schema) return [`${method} ${path} ${status}: no ${mediaType} body is declared`];
    const key = `${method} ${path} ${status} ${mediaType}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(inline(schema, doc.components.schemas) as Json);
      compiled.set(key, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${key}: ${e.instancePath || '(body)'} ${e.message ?? ''}`);
  };
}
