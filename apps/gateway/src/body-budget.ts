/**
 * The request-body bytes one process may be reading at once. A request reserves its body's size
 * (its Content-Length, or the body limit when it does not say) before a byte is read, and gives it
 * back when its response is done; a reservation past the budget is refused, so memory stays bounded
 * however many large bodies arrive together.
 */
export interface BodyBudget {
  /** A release function when the bytes fit, null when they do not (answer 503 + Retry-After). */
  reserve(bytes: number): (() => void) | null;
  readonly inFlight: number;
}

export function createBodyBudget(capacity: number): BodyBudget {
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    reserve(bytes) {
      if (inFlight + bytes > capacity) return null;
      inFlight += bytes;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight -= bytes;
      };
    },
  };
}

/** What a request's body may take: what it announces, never more than the limit (past it, 413 anyway). */
export function announcedBodyBytes(contentLength: string | undefined, bodyLimit: number): number {
  const announced = contentLength === undefined || !/^\d+$/.test(contentLength) ? bodyLimit : Number(contentLength);
  return Math.min(announced, bodyLimit);
}
