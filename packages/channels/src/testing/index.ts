/** The testing kit for channels: a real local receiver and the conformance suite (jest only). */
export { startReceiver, type Receiver, type TestReceiver, type ReceivedRequest, type ReceiverOptions, type ScriptedResponse } from './test-receiver.js';
export { runChannelConformance, STATUS_MATRIX } from './conformance.js';
export type { ChannelFixture, ExpectedOutcome } from './fixture.js';
export { sampleEvent } from './sample-event.js';
export { freePort } from './ports.js';
export { rejectionOf } from './rejection.js';
