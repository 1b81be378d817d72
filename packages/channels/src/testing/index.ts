/** The testing kit for channels: a real local receiver and the conformance suite (jest only). */
export { startReceiver, type Receiver, type TestReceiver, type ReceivedRequest, type ReceiverOptions, type ScriptedResponse, type RouteHandler } from './test-receiver.js';
export { runChannelConformance, requestBody, STATUS_MATRIX } from './conformance.js';
export { sendEvent, sendItems, openForTest, testItem, TEST_SINK, TEST_DELIVERY_ID, type TestSendOptions } from './send.js';
export type { ChannelFixture, ExpectedOutcome } from './fixture.js';
export { fixtureOf } from './fixtures.js';
export { sampleEvent } from './sample-event.js';
export { freePort } from './ports.js';
export { rejectionOf } from './rejection.js';
