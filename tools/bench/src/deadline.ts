/** What a bounded wait throws when its time is up. */
export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${formatSeconds(ms)}`);
    this.name = 'DeadlineError';
  }
}

/**
 * Settles as `promise` does, or rejects with a DeadlineError after `ms`. The work itself is not
 * cancelled (nothing here can stop it): whoever gets the DeadlineError decides what to do about it.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message of anything thrown, on one line and of a readable length. */
export function reasonOf(error: unknown, max = 1_000): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
