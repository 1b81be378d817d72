import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { channelByKind, channelIds, channelKinds, channels, isChannelKind, type AnyChannel } from './registry.js';
import { runChannelConformance } from './testing/conformance.js';
import type { ChannelFixture } from './testing/fixture.js';

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
for (const channel of Object.values(channels) as AnyChannel[]) {
  const module = (await import(`./${channel.id}/fixture.js`)) as { fixture: ChannelFixture<Record<string, unknown>> };
  fixtures.set(channel.id, module.fixture);
}

describe('the registry', () => {
  test('every channel folder is a registered channel id with a fixture', () => {
    expect(channelFolders).toEqual([...channelIds].sort());
    for (const folder of channelFolders) expect(existsSync(`${SRC}/${folder}/fixture.ts`)).toBe(true);
  });

  test('keys are ids, and ids and kinds are unique', () => {
    for (const [key, channel] of Object.entries(channels)) expect(channel.id).toBe(key);
    expect(new Set(channelKinds).size).toBe(channelKinds.length);
    expect(channelKinds).toEqual(Object.values(channels).map((channel) => channel.kind));
  });

  test('channelByKind finds every kind and nothing else', () => {
    for (const kind of channelKinds) expect(channelByKind(kind).kind).toBe(kind);
    expect(channelByKind('NoSuchKind')).toBeUndefined();
    expect(isChannelKind('Webhook')).toBe(true);
    expect(isChannelKind('webhook')).toBe(false);
  });
});

describe.each(Object.values(channels) as AnyChannel[])('$kind conformance', (channel) => {
  const fixture = fixtures.get(channel.id);
  if (fixture === undefined) throw new Error(`${channel.id}/fixture.ts does not export a fixture`);
  runChannelConformance(channel, fixture);
});
