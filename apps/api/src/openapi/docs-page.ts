import { createRequire } from 'node:module';

/** Where /docs's assets are served from: the swagger-ui-dist package, nothing from a CDN. */
export const ASSETS_PATH = '/docs/assets';

/**
 * The package's own `getAbsoluteFSPath`. Its main module would also load the 1 MB browser
 * bundle into this process, so the helper is required by its own file.
 */
const require = createRequire(import.meta.url);
const getAbsoluteFSPath = require('swagger-ui-dist/absolute-path.js') as () => string;
export const swaggerUiDir = (): string => getAbsoluteFSPath();

/**
 * The files of the package the page uses. The package also ships a demo page and initializer
 * that load a document from petstore.swagger.io; those are not served.
 */
export const SWAGGER_UI_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);

/** The page's own start-up script: an external file, since the policy below allows no inline script. */
export const INIT_FILE = 'tocsin-docs.js';
export const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // No badge from the public validator service, and no document named by the page's URL.
    validatorUrl: null,
    queryConfigEnabled: false,
  });
});
`;

/**
 * Everything from this origin, nothing inline, no eval, no framing. Swagger UI sets styles
 * through the DOM (allowed by style-src 'self') and draws icons from data: URLs.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Tocsin API</title>
    <link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${ASSETS_PATH}/${INIT_FILE}"></script>
  </body>
</html>
`;
