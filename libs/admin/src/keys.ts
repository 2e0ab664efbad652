import type { Topic } from '@wmsi/contracts';
import { issueApiKey, listApiKeys, revokeApiKey } from '@wmsi/intake';
import { AppError, type ApiDeps } from '@wmsi/trpc';

type Deps = Pick<ApiDeps, 'db' | 'redis' | 'intake' | 'webhook'>;

/** The webhook address of a topic, as `npm run wmsi -- keys create` prints it. */
export function webhookAddress(publicUrl: string, topic: Topic): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/acumatica/${topic}`;
}

/** Every webhook key, revoked ones included, newest first; never a secret. */
export async function listKeys(deps: Deps) {
  const keys = await listApiKeys(deps.db);
  return keys.map((key) => ({ id: key.id, topic: key.topic, label: key.label, createdAt: key.created_at, revokedAt: key.revoked_at }));
}

/**
 * A new key for a topic, with the three values of Acumatica's Push Notifications form (SM302000):
 * Address, Header Name and Header Value. The Header Value is the key: shown this once, stored hashed.
 */
export async function createKey(deps: Deps, topic: Topic, label: string | null) {
  const issued = await issueApiKey({ db: deps.db, redis: deps.redis, keys: deps.intake }, topic, label);
  return {
    id: issued.id,
    topic: issued.topic,
    label: issued.label,
    // Unknown when the API was started without the gateway's settings (tests): the console says so.
    address: deps.webhook === undefined ? null : webhookAddress(deps.webhook.publicUrl, issued.topic),
    headerName: deps.webhook?.headerName ?? 'X-Api-Key',
    headerValue: issued.key,
  };
}

/** Revokes a key on every gateway process at once. */
export async function revokeKey(deps: Deps, id: string) {
  if (!(await revokeApiKey({ db: deps.db, redis: deps.redis, keys: deps.intake }, id))) throw new AppError('NOT_FOUND', `No API key with id ${id}`);
  return { id, revoked: true as const };
}
