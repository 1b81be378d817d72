-- Delivery under pressure (docs/architecture.md, "Delivery policy").

-- A sink's own send rate, overriding its channel's (NULL: the channel's; 0: unlimited).
ALTER TABLE "event_sink" ADD COLUMN "rate_per_second" DOUBLE PRECISION;
ALTER TABLE "event_sink" ADD CONSTRAINT "event_sink_rate_per_second_check" CHECK ("rate_per_second" BETWEEN 0 AND 1000);
-- The circuit breaker: when the sink's current run of attempts without a delivery began
-- (NULL while its last attempt delivered). The worker disables the sink once the run is longer
-- than TOCSIN_BREAKER_OPEN_AFTER_MS.
ALTER TABLE "event_sink" ADD COLUMN "failing_since" TIMESTAMPTZ(3);

-- Retry-After deferrals (429, 503) since the last manual re-send: attempts that did not count
-- against the retry budget, bounded by TOCSIN_RETRY_MAX_DEFERRALS.
ALTER TABLE "delivery" ADD COLUMN "deferrals" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_deferrals_check" CHECK ("deferrals" >= 0);
-- The retry policy the worker applies, fixed at the first attempt of a round (NULL before it,
-- and again after a manual re-send or a resume): the severity's budget and the deadline.
ALTER TABLE "delivery" ADD COLUMN "retry_policy" JSONB;
ALTER TABLE "delivery" ADD COLUMN "retry_until" TIMESTAMPTZ(3);

-- `held`: waiting while its sink is disabled (circuit open, 410 Gone, an admin); enabling the
-- sink resumes it. Held rows are not due: the relay's scan and its index leave them out.
ALTER TABLE "delivery" DROP CONSTRAINT "delivery_state_check";
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_state_check"
  CHECK ("state" IN ('pending', 'in_flight', 'retrying', 'delivered', 'failed', 'skipped', 'held'));
-- Resuming a sink's held deliveries finds them by sink.
CREATE INDEX "delivery_held_idx" ON "delivery" ("sink_id") WHERE "state" = 'held';
