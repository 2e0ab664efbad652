import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookAuthenticator, issueApiKey, loadApiKeyMirror, revokeApiKey, type IssuedApiKey } from './api-keys.js';
import { createIntakeTestbed, type IntakeTestbed } from './testing/index.js';

describe('revocation against reloads of the key mirror (real PostgreSQL and Redis)', () => {
  let bed: IntakeTestbed;
  beforeAll(async () => {
    bed = await createIntakeTestbed();
  });
  afterAll(async () => bed?.cleanup());

  it('never brings a revoked key back, however reloads and revocations interleave, and keeps every other key', async () => {
    const issued: IssuedApiKey[] = [];
    for (let i = 0; i < 120; i++) issued.push(await issueApiKey(bed.stores, 'stock-items', `race ${i}`));
    const toRevoke = issued.filter((_, i) => i % 2 === 0);
    const kept = issued.filter((_, i) => i % 2 === 1);

    // Reloads run back to back on three connections' worth of concurrency while the keys are
    // revoked one by one: every revocation lands inside some reload's read-then-write window.
    let revoking = true;
    let reloads = 0;
    const reloader = async () => {
      while (revoking) {
        await loadApiKeyMirror(bed.stores);
        reloads += 1;
      }
    };
    const reloaders = [reloader(), reloader(), reloader()];
    const authenticate = createWebhookAuthenticator(bed.stores);
    // Once a revocation has returned, its key is refused: checked while reloads still run, and after.
    const resurrected = new Set<string>();
    const checkRevoked = async (revoked: IssuedApiKey[]) => {
      const verdicts = await Promise.all(revoked.map((key) => authenticate('stock-items', key.key)));
      revoked.forEach((key, i) => verdicts[i] !== 'unknown' && resurrected.add(key.id));
    };
    for (const [i, key] of toRevoke.entries()) {
      expect(await revokeApiKey(bed.stores, key.id)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      await checkRevoked(toRevoke.slice(0, i + 1));
    }
    revoking = false;
    await Promise.all(reloaders);
    await checkRevoked(toRevoke);
    // And once more after another reload, as after a Redis restart.
    await loadApiKeyMirror(bed.stores);
    await checkRevoked(toRevoke);

    expect(reloads).toBeGreaterThan(toRevoke.length / 2);
    expect([...resurrected]).toEqual([]);
    expect(await Promise.all(kept.map((key) => authenticate('stock-items', key.key)))).toEqual(kept.map(() => 'accepted'));
  }, 60_000);
});
