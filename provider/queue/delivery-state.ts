/**
 * What every queued delivery (a mail in the outbox, a logout token owed to a client) records
 * about its attempts; delivery-claim.ts claims records by these fields.
 */
export interface DeliveryState<Status extends string> {
  status: Status;
  attempts: number;
  nextTryAt: Date;
  /** claimed by one instance until then (in case it dies mid-send) */
  lockedUntil?: Date | null;
  /** the last error's code and message (never a URL with credentials) */
  lastError?: string | null;
  createdAt: Date;
  /** finished records are forgotten after this (TTL index) */
  expiresAt?: Date | null;
}

/** The schema fields of DeliveryState, for a queue's model. */
export const DELIVERY_STATE_FIELDS = {
  status: { type: String, required: true },
  attempts: { type: Number, default: 0 },
  nextTryAt: { type: Date, required: true },
  lockedUntil: { type: Date },
  lastError: { type: String },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date },
} as const;

/** The indexes every queue needs: due records by status, and finished ones forgotten. */
export function indexDeliveryState(schema: {
  index(fields: Record<string, 1>, options?: { expireAfterSeconds: number }): unknown;
}): void {
  schema.index({ status: 1, nextTryAt: 1 });
  schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
}
