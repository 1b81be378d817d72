import { z } from 'zod';
import { ApiError, parseInput } from '../errors.js';
import {
  deliveryDetailResponse,
  deliveryIdParam,
  deliveryListQuery,
  deliveryListResponse,
  recoverBody,
  recoverResponse,
  retryBody,
  sinkDeliveriesParams,
} from './schema.js';

test.each([
  ['sinkDeliveriesParams', sinkDeliveriesParams, 'input'],
  ['deliveryListQuery', deliveryListQuery, 'input'],
  ['deliveryIdParam', deliveryIdParam, 'input'],
  ['retryBody', retryBody, 'input'],
  ['recoverBody', recoverBody, 'input'],
  ['deliveryListResponse', deliveryListResponse, 'output'],
  ['deliveryDetailResponse', deliveryDetailResponse, 'output'],
  ['recoverResponse', recoverResponse, 'output'],
] as const)('%s converts to JSON Schema for the OpenAPI document', (_name, schema, io) => {
  expect(() => z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'throw' })).not.toThrow();
});

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

test('each unknown field is named on its own', () => {
  const err = refusal(() => parseInput(deliveryListQuery, { status: 'failed', page: '2', limit: '5' }, 'query'));
  expect([err.status, err.code]).toEqual([400, 'invalid_request']);
  expect(err.details.map((d) => d.path).sort()).toEqual(['page', 'status']);
});

test('a bad value is named by its field', () => {
  const err = refusal(() => parseInput(recoverBody, { since: 'last week' }, 'body'));
  expect(err.details.map((d) => d.path)).toEqual(['since']);
  expect(parseInput(recoverBody, { since: '2026-06-01T10:00:00+02:00' }, 'body').since.toISOString()).toBe('2026-06-01T08:00:00.000Z');
});

test('retry takes no body or an empty one', () => {
  expect(parseInput(retryBody, undefined, 'body')).toBeUndefined();
  expect(parseInput(retryBody, {}, 'body')).toEqual({});
  expect(refusal(() => parseInput(retryBody, [], 'body')).details[0]!.path).toBe('(body)');
});
