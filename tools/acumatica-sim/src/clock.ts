/** .NET ticks at the Unix epoch. */
const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;

/**
 * The ERP's transaction clock: 64-bit ticks (100 ns since 0001-01-01), strictly increasing, with
 * sub-millisecond digits set so that any rounding through a JS number would show.
 */
export function transactionClock(): () => string {
  let last = 0n;
  return () => {
    const now = BigInt(Date.now()) * 10_000n + UNIX_EPOCH_TICKS + BigInt(Math.floor(Math.random() * 10_000));
    last = now > last ? now : last + 1n;
    return last.toString();
  };
}
