import { TOPICS, isTopic, type Topic } from '@wmsi/contracts';
import { issueApiKey, listApiKeys, revokeApiKey, type IssuedApiKey, type KeyStores } from '@wmsi/intake';
import { CommandError, UsageError, type Output } from '../output.js';

export interface WebhookSettings {
  publicUrl: string;
  headerName: string;
}

export function webhookAddress(settings: WebhookSettings, topic: Topic): string {
  return `${settings.publicUrl.replace(/\/+$/, '')}/webhooks/acumatica/${topic}`;
}

/** The three values an integrator pastes into Acumatica's Push Notifications form (SM302000). */
export function printAcumaticaSettings(out: Output, settings: WebhookSettings, issued: IssuedApiKey): void {
  out.line(`${issued.topic}  (key ${issued.id})`);
  out.line(`  Address:       ${webhookAddress(settings, issued.topic)}`);
  out.line(`  Header Name:   ${settings.headerName}`);
  out.line(`  Header Value:  ${issued.key}`);
}

export function issuedAsJson(settings: WebhookSettings, issued: IssuedApiKey) {
  return { id: issued.id, topic: issued.topic, key: issued.key, url: webhookAddress(settings, issued.topic), headerName: settings.headerName };
}

export async function createKey(stores: KeyStores, settings: WebhookSettings, out: Output, topic: string | undefined, label: string | null): Promise<void> {
  if (!topic || !isTopic(topic)) throw new UsageError(`keys create <topic>: topic is one of ${TOPICS.join(', ')}`);
  const issued = await issueApiKey(stores, topic, label);
  out.result(issuedAsJson(settings, issued));
  out.line('Paste into Acumatica, Push Notifications (SM302000), destination type Webhook:');
  printAcumaticaSettings(out, settings, issued);
  out.line('The key is shown only this once: WMSi keeps only its hash.');
}

export async function listKeys(stores: KeyStores, out: Output): Promise<void> {
  const keys = await listApiKeys(stores.db);
  const rows = keys.map((key) => ({
    id: key.id,
    topic: key.topic,
    label: key.label,
    createdAt: new Date(key.created_at).toISOString(),
    revokedAt: key.revoked_at ? new Date(key.revoked_at).toISOString() : null,
  }));
  out.result({ keys: rows });
  if (rows.length === 0) out.line('No API keys yet: `npm run wmsi -- keys create <topic>`.');
  for (const row of rows) {
    const status = row.revokedAt ? `revoked ${row.revokedAt}` : 'active';
    out.line(`${row.id}  ${row.topic.padEnd(22)} ${status.padEnd(32)} created ${row.createdAt}${row.label ? `  ${row.label}` : ''}`);
  }
}

export async function revokeKey(stores: KeyStores, out: Output, id: string | undefined): Promise<void> {
  if (!id) throw new UsageError('keys revoke <id>: the id is the first column of `keys list`');
  if (!(await revokeApiKey(stores, id))) throw new CommandError('KEY_NOT_FOUND', `No API key with id ${id}.`);
  out.result({ id, revoked: true });
  out.line(`Revoked ${id}: requests with it are refused from now on.`);
}
