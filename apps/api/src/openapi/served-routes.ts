/** A route the app serves: an upper-case method and its Express path (`/v1/event_sink/:id`). */
export interface ServedRoute {
  method: string;
  path: string;
}

/**
 * The parts of Express 5's router (the `router` package) read here. Express has no public
 * listing of routes; `stack`, `route` and `rawPath` are what its own router matches with.
 */
interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
}

/** The path syntax routes may use: literal segments and `:name` parameters. */
const PLAIN_PATH = /^(?:\/(?:[A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*))+$|^\/$/;

function joinPath(prefix: string, path: unknown, where: string): string {
  if (typeof path !== 'string') throw new Error(`${where}: only string paths are supported, got ${String(path)}`);
  const joined = path === '/' ? prefix || '/' : prefix + path;
  if (!PLAIN_PATH.test(joined)) throw new Error(`${where}: ${joined} uses path syntax the route index does not read (only literal segments and :name)`);
  return joined;
}

function walk(stack: Layer[], prefix: string, out: ServedRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = joinPath(prefix, layer.route.path, 'route');
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (!on) continue;
        if (method === '_all') throw new Error(`route ${path}: router.all() serves every method; declare each method instead`);
        out.push({ method: method.toUpperCase(), path });
      }
    } else if (Array.isArray(layer.handle.stack)) {
      // A mounted Router: its routes are under the mount path.
      const mount = joinPath(prefix, layer.rawPath ?? '/', 'mounted router');
      walk(layer.handle.stack, mount === '/' ? '' : mount, out);
    }
  }
}

/** Every (method, path) the app's routers serve, in registration order. Middleware is not a route. */
export function servedRoutes(app: { router: unknown }): ServedRoute[] {
  const out: ServedRoute[] = [];
  walk((app.router as { stack: Layer[] }).stack, '', out);
  return out;
}

/** `/v1/event_sink/:id` → `/v1/event_sink/{id}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

/**
 * Which methods the app serves at a path, matched as Express matches by default: segments
 * case-insensitively, a trailing slash optional, a parameter one non-empty segment.
 */
export class RouteIndex {
  readonly #routes: { pattern: RegExp; method: string }[];

  constructor(routes: readonly ServedRoute[]) {
    this.#routes = routes.map(({ method, path }) => ({ method, pattern: RouteIndex.pattern(path) }));
  }

  static pattern(path: string): RegExp {
    const body = path
      .split('/')
      .filter(Boolean)
      .map((segment) => (segment.startsWith(':') ? '/[^/]+' : `/${segment.replace(/[.]/g, '\\.')}`))
      .join('');
    return new RegExp(`^${body}/?$`, 'i');
  }

  /** The methods served at `path`; HEAD wherever GET is. Empty when no route has that path. */
  methodsAt(path: string): string[] {
    const methods = new Set(this.#routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods];
  }
}
