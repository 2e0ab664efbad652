import { TOPICS } from '@wmsi/contracts';
import { issueApiKey, listApiKeys, type KeyStores } from '@wmsi/intake';
import type { Output } from '../output.js';
import { issuedAsJson, printAcumaticaSettings, webhookAddress, type WebhookSettings } from './keys.js';

/**
 * First run of `npm start`: every topic gets one API key, printed with the values to paste into
 * Acumatica. Later runs issue nothing new (the keys are only ever shown once) and just remind where
 * each topic posts.
 */
export async function setup(stores: KeyStores, settings: WebhookSettings, out: Output): Promise<void> {
  const active = (await listApiKeys(stores.db)).filter((key) => !key.revoked_at);
  const created = [];
  const existing = [];
  for (const topic of TOPICS) {
    const ids = active.filter((key) => key.topic === topic).map((key) => key.id);
    if (ids.length > 0) existing.push({ topic, ids, url: webhookAddress(settings, topic) });
    else created.push(await issueApiKey(stores, topic, 'created by setup'));
  }
  out.result({ created: created.map((issued) => issuedAsJson(settings, issued)), existing, headerName: settings.headerName });

  if (created.length > 0) {
    out.line('New API keys, one per topic. In Acumatica, open Push Notifications (SM302000), and for each');
    out.line('inquiry add a destination of type Webhook with these values (each key is shown only this once):');
    out.line();
    for (const issued of created) {
      printAcumaticaSettings(out, settings, issued);
      out.line();
    }
  }
  for (const { topic, ids, url } of existing) {
    out.line(`${topic}: posts to ${url} with header ${settings.headerName} (active key ${ids.join(', ')})`);
  }
  if (existing.length > 0) out.line('Lost a key? `npm run wmsi -- keys create <topic>`, then `keys revoke <old id>`.');
}
