import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { channelById, channelBySinkType, channelIds, channels, secretFieldNames, sinkTypes, type AnyChannel } from './registry.js';
import { runChannelConformance } from './testing/conformance.js';
import type { ChannelFixture } from './testing/fixture.js';
import { fixtureOf } from './testing/fixtures.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));
/** Folders under src/ that are not channels. */
const NOT_CHANNELS = new Set(['core', 'testing']);

const channelFolders = readdirSync(SRC, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !NOT_CHANNELS.has(entry.name))
  .map((entry) => entry.name)
  .sort();

// Each channel folder exports its fixture from <id>/fixture.ts; loading them by id keeps the
// registry the only list of channels.
const fixtures = new Map<string, ChannelFixture<Record<string, unknown>>>();
for (const channel of Object.values(channels) as AnyChannel[]) fixtures.set(channel.id, await fixtureOf(channel));

describe('the registry', () => {
  test('every channel folder is a registered channel id with a fixture', () => {
    expect(channelFolders).toEqual([...channelIds].sort());
    for (const folder of channelFolders) expect(existsSync(`${SRC}/${folder}/fixture.ts`)).toBe(true);
  });

  test('keys are ids; ids are lowercase and sink types unique', () => {
    for (const [key, channel] of Object.entries(channels)) {
      expect(channel.id).toBe(key);
      expect(channel.id).toMatch(/^[a-z][a-z0-9]*$/);
    }
    expect(new Set(sinkTypes).size).toBe(sinkTypes.length);
  });

  test('a channel is found by its id or its public sink type, and by nothing else', () => {
    for (const channel of Object.values(channels) as AnyChannel[]) {
      expect(channelById(channel.id)).toBe(channel);
      expect(channelBySinkType(channel.sinkType)).toBe(channel);
    }
    expect(channelBySinkType('webhook')).toBeUndefined();
    expect(channelById('Webhook')).toBeUndefined();
  });

  test('every declared secret field is a redaction path', () => {
    for (const channel of Object.values(channels) as AnyChannel[]) for (const field of channel.secretFields) expect(secretFieldNames()).toContain(field);
  });

  test('operator settings are TOCSIN_ variables, each declared once', () => {
    const names = (Object.values(channels) as AnyChannel[]).flatMap((channel) => (channel.settings ?? []).map((s) => s.env));
    for (const name of names) expect(name).toMatch(/^TOCSIN_[A-Z0-9_]+$/);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe.each(Object.values(channels) as AnyChannel[])('$id conformance', (channel) => {
  const fixture = fixtures.get(channel.id);
  if (fixture === undefined) throw new Error(`${channel.id}/fixture.ts does not export a fixture`);
  runChannelConformance(channel, fixture);
});
