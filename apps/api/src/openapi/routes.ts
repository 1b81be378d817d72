import { z } from 'zod';
import { catalogQuery, catalogResponse } from '../catalog/schema.js';
import { eventsQuery } from '../events/query.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../paging.js';
import { NDJSON } from '../events/ndjson.js';
import { MAX_BATCH } from '../ingest/schema.js';
import { createSinkBody, listSinksQuery, sinkIdParam, updateSinkBody } from '../sinks/schema.js';
import { deliveryDetailResponse, deliveryIdParam, deliveryListQuery, deliveryListResponse, recoverBody, recoverResponse, retryBody, sinkDeliveriesParams } from '../deliveries/schema.js';
import { CONSOLE_ROUTES } from '../console/routes.js';
import { getRetentionQuery, putRetentionBody, retentionEnvelope } from '../retention/schema.js';
import { apiTokenEnvelope, apiTokenList, apiTokenRevoked, createTokenBody, listTokensQuery, tokenIdParam } from '../tokens/schema.js';
import { json, type RouteDeclaration } from './declare.js';
import {
  deletedSink,
  eventRecord,
  eventSinkEnvelope,
  eventSinkList,
  eventsPage,
  ingestBatchResult,
  ingestBody,
  ingestResult,
  jsonObject,
  liveness,
  readiness,
  sinkTestResult,
} from './responses.js';

/**
 * Every route the app serves, one entry each; the OpenAPI document is built from this table.
 * Adding a route: add its entry here, in its section, with the schemas its router validates
 * with (export them from the folder's schema.ts). The OpenAPI test lists any route served
 * without an entry, and any entry without a route.
 */
export const ROUTES: readonly RouteDeclaration[] = [
  // Events
  {
    method: 'post',
    path: '/v1/events',
    operationId: 'ingestEvents',
    tag: 'Events',
    summary: `Send one event, or a batch of up to ${MAX_BATCH}`,
    description:
      'Stores the events and queues their deliveries; 202 means stored. An event’s `id` makes it idempotent: the same id again is neither stored nor delivered twice. Actions outside the catalog are stored and readable through the Events API but pushed to no sink.',
    access: 'events:write',
    body: ingestBody,
    responses: {
      202: { description: 'Stored. One event: its result; a batch: `{"accepted", "events"}` in the order sent.', content: json(z.union([ingestResult, ingestBatchResult])) },
    },
    errors: { 403: ['tenant_mismatch'] },
  },

  // Events API
  {
    method: 'get',
    path: '/events/v1',
    operationId: 'readEvents',
    tag: 'Events API',
    summary: 'Read the tenant’s audit stream, oldest first',
    description: `\`from\`/\`to\` take a date (UTC) or a timestamp with an offset; the window is [from, to), so a date-only \`to\` includes that day. \`limit\` is a page size from 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}); \`cursor\` continues a read with the same from/to. JSON pages by default; \`Accept: application/x-ndjson\` streams the whole window, one record a line (\`limit\` is then ignored).`,
    access: 'events:read',
    plan: 'enterprise',
    query: eventsQuery,
    responses: {
      200: { description: 'One page, or the stream.', content: { 'application/json': eventsPage, [NDJSON]: eventRecord } },
    },
  },

  // Event sinks
  {
    method: 'post',
    path: '/v1/event_sink',
    operationId: 'createEventSink',
    tag: 'Event sinks',
    summary: 'Create an event sink',
    description:
      '`event_sink_args` holds exactly one kind and its fields, checked against that kind’s own schema; every URL passes the egress guard. Alert kinds take push-eligible events only (GET /v1/catalog?push=true).',
    access: 'sinks:admin',
    plan: 'team',
    body: createSinkBody,
    responses: { 201: { description: 'Created; secrets redacted.', content: json(eventSinkEnvelope) } },
    errors: { 400: ['egress_denied', 'destination_unresolved'], 403: ['tenant_mismatch'], 503: ['unavailable'] },
  },
  {
    method: 'get',
    path: '/v1/event_sink',
    operationId: 'listEventSinks',
    tag: 'Event sinks',
    summary: 'List the tenant’s event sinks',
    description: `Oldest first, cursor-paginated: \`limit\` from 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}); follow \`next_cursor\` until it is null.`,
    access: 'sinks:admin',
    query: listSinksQuery,
    responses: { 200: { description: 'A page of sinks; secrets redacted.', content: json(eventSinkList) } },
    errors: { 400: ['invalid_cursor'] },
  },
  {
    method: 'get',
    path: '/v1/event_sink/{id}',
    operationId: 'getEventSink',
    tag: 'Event sinks',
    summary: 'Read one event sink',
    access: 'sinks:admin',
    params: sinkIdParam,
    responses: { 200: { description: 'The sink; secrets redacted.', content: json(eventSinkEnvelope) } },
  },
  {
    method: 'put',
    path: '/v1/event_sink/{id}',
    operationId: 'updateEventSink',
    tag: 'Event sinks',
    summary: 'Update an event sink',
    description:
      'What is sent changes, what is omitted is kept (seed 004). `event_sink_args` names the sink’s own kind and only the fields that change; `null` clears an optional field; an omitted or `[REDACTED]` secret is kept. Only later events see a new filter.',
    access: 'sinks:admin',
    plan: 'team',
    params: sinkIdParam,
    body: updateSinkBody,
    responses: { 200: { description: 'Updated; secrets redacted.', content: json(eventSinkEnvelope) } },
    errors: { 400: ['egress_denied', 'destination_unresolved'], 403: ['tenant_mismatch'], 409: ['conflict'], 503: ['unavailable'] },
  },
  {
    method: 'post',
    path: '/v1/event_sink/{id}/test',
    operationId: 'testEventSink',
    tag: 'Event sinks',
    summary: 'Send a test event now',
    description:
      'A sample event (`tocsin.test`) at the sink’s minimum severity, sent now through the real channel and the egress guard, a disabled sink too. Answered with the attempt; recorded as a test, never as a delivery.',
    access: 'sinks:admin',
    plan: 'team',
    params: sinkIdParam,
    responses: { 200: { description: 'The attempt, whatever the destination answered.', content: json(sinkTestResult) } },
  },
  {
    method: 'delete',
    path: '/v1/event_sink/{id}',
    operationId: 'deleteEventSink',
    tag: 'Event sinks',
    summary: 'Delete an event sink',
    description: 'Its deliveries not yet sent end `skipped`; its delivery history is kept.',
    access: 'sinks:admin',
    params: sinkIdParam,
    responses: { 200: { description: 'Deleted.', content: json(deletedSink) } },
  },

  // Deliveries
  {
    method: 'get',
    path: '/v1/event_sink/{id}/deliveries',
    operationId: 'listSinkDeliveries',
    tag: 'Deliveries',
    summary: 'The sink’s deliveries, newest first',
    description: 'Cursor-paginated; `state` and `since` filter. Follow `next_cursor` (with the same filters) until it is null.',
    access: 'sinks:admin',
    params: sinkDeliveriesParams,
    query: deliveryListQuery,
    responses: { 200: { description: 'A page of deliveries.', content: json(deliveryListResponse) } },
    errors: { 400: ['invalid_cursor'] },
  },
  {
    method: 'get',
    path: '/v1/deliveries/{id}',
    operationId: 'getDelivery',
    tag: 'Deliveries',
    summary: 'One delivery with every attempt',
    access: 'sinks:admin',
    params: deliveryIdParam,
    responses: { 200: { description: 'The delivery, its event’s summary and its attempt log.', content: json(deliveryDetailResponse) } },
  },
  {
    method: 'post',
    path: '/v1/deliveries/{id}/retry',
    operationId: 'retryDelivery',
    tag: 'Deliveries',
    summary: 'Re-send a failed or skipped delivery now',
    description: 'Queued with a fresh set of automatic retries. The sink must exist and be enabled.',
    access: 'sinks:admin',
    params: deliveryIdParam,
    body: retryBody,
    responses: { 202: { description: 'Queued.', content: json(deliveryDetailResponse) } },
    errors: { 403: ['plan_required'], 409: ['already_delivered', 'delivery_in_flight', 'delivery_scheduled', 'sink_disabled', 'sink_deleted'] },
  },
  {
    method: 'post',
    path: '/v1/event_sink/{id}/recover',
    operationId: 'recoverSinkDeliveries',
    tag: 'Deliveries',
    summary: 'Re-send every failed delivery of the sink since a time',
    description: 'At most 10,000 per call, oldest first; `truncated: true` means call again with the same `since`.',
    access: 'sinks:admin',
    params: sinkDeliveriesParams,
    body: recoverBody,
    responses: { 202: { description: 'How many were queued.', content: json(recoverResponse) } },
    errors: { 403: ['plan_required'], 409: ['sink_disabled', 'sink_deleted'] },
  },

  // API tokens
  {
    method: 'get',
    path: '/v1/tokens',
    operationId: 'listApiTokens',
    tag: 'API tokens',
    summary: 'The tenant’s API tokens (never the tokens themselves)',
    access: 'admin',
    query: listTokensQuery,
    responses: { 200: { description: 'Oldest first; revoked ones are not listed.', content: json(apiTokenList) } },
  },
  {
    method: 'post',
    path: '/v1/tokens',
    operationId: 'createApiToken',
    tag: 'API tokens',
    summary: 'Create an API token (shown once)',
    access: 'admin',
    body: createTokenBody,
    responses: { 201: { description: 'The token, in this answer only.', content: json(apiTokenEnvelope) } },
    errors: { 403: ['insufficient_scope'] },
  },
  {
    method: 'delete',
    path: '/v1/tokens/{id}',
    operationId: 'revokeApiToken',
    tag: 'API tokens',
    summary: 'Revoke an API token',
    description: 'Refused by every api process within seconds.',
    access: 'admin',
    params: tokenIdParam,
    responses: { 200: { description: 'Revoked.', content: json(apiTokenRevoked) } },
  },

  // Retention
  {
    method: 'get',
    path: '/v1/retention',
    operationId: 'getRetention',
    tag: 'Retention',
    summary: 'How long the tenant’s audit events and attempt logs are kept',
    access: 'admin',
    query: getRetentionQuery,
    responses: { 200: { description: 'The policy; null fields keep for ever.', content: json(retentionEnvelope) } },
  },
  {
    method: 'put',
    path: '/v1/retention',
    operationId: 'putRetention',
    tag: 'Retention',
    summary: 'Set the retention policy (audited as RETENTION_POLICY_CHANGED)',
    description: 'Older records are deleted by the retention job within its interval (an hour by default), in bounded batches. Events whose deliveries are still under way are kept until they finish.',
    access: 'admin',
    body: putRetentionBody,
    responses: { 200: { description: 'The policy now in force.', content: json(retentionEnvelope) } },
  },

  // Catalog
  {
    method: 'get',
    path: '/v1/catalog',
    operationId: 'getCatalog',
    tag: 'Catalog',
    summary: 'The typed events of every catalog, and VaultPAM’s vocabularies',
    description:
      'The curated push catalog (`vaultterm`), VaultPAM’s public audit catalog (`vaultpam`) and Tocsin’s own configuration events (`tocsin`). Filters narrow `events` and combine with AND. Any authenticated caller may read it: it holds no tenant data.',
    access: 'authenticated',
    query: catalogQuery,
    responses: { 200: { description: 'The catalog.', content: json(catalogResponse) } },
  },

  // Operations
  {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    tag: 'Operations',
    summary: 'Liveness: the process serves HTTP',
    access: 'public',
    responses: { 200: { description: 'Alive.', content: json(liveness) } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    tag: 'Operations',
    summary: 'Readiness: PostgreSQL and Redis answer',
    access: 'public',
    responses: {
      200: { description: 'Ready.', content: json(readiness) },
      503: { description: 'Not ready: the checks say which dependency is down.', content: json(readiness) },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics of this api process',
    description:
      'The Prometheus text format. No API token: with TOCSIN_METRICS_TOKEN set it needs `Authorization: Bearer <that token>` (401 otherwise); unset, it answers loopback peers that came through no proxy only (403 otherwise). Aggregates per channel; no tenant data.',
    access: 'public',
    responses: { 200: { description: 'Metrics, text format 0.0.4.', content: { 'text/plain': z.string() } } },
    errors: { 401: ['unauthorized'], 403: ['forbidden'] },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapiDocument',
    tag: 'Operations',
    summary: 'This document (OpenAPI 3.1)',
    access: 'public',
    responses: { 200: { description: 'The document.', content: json(jsonObject) } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docsPage',
    tag: 'Operations',
    summary: 'This document, rendered in the browser',
    access: 'public',
    responses: { 200: { description: 'An HTML page (Swagger UI, served from this process).', content: { 'text/html': z.string() } } },
  },
  ...CONSOLE_ROUTES,
];
