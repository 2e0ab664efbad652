const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;
let last = 0n;

/**
 * A TimeStamp for now, as Acumatica would stamp a transaction: 18 digits, beyond what a JS number
 * holds exactly, with sub-millisecond ticks so that rounding would show. Strictly increasing.
 */
export function nextTimeStamp(): string {
  const now = BigInt(Date.now()) * 10_000n + UNIX_EPOCH_TICKS + BigInt(Math.floor(Math.random() * 10_000));
  last = now > last ? now : last + 1n;
  return last.toString();
}
