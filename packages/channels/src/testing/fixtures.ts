import type { AnyChannel } from '../core/channel.js';
import type { ChannelFixture } from './fixture.js';

/** The conformance fixture of a channel, from its folder's `fixture.ts`. */
export async function fixtureOf(channel: AnyChannel): Promise<ChannelFixture<Record<string, unknown>>> {
  const module = (await import(`../${channel.id}/fixture.js`)) as { fixture?: ChannelFixture<Record<string, unknown>> };
  if (module.fixture === undefined) throw new Error(`${channel.id}/fixture.ts does not export a fixture`);
  return module.fixture;
}
