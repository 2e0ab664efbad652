export {
  createWebhookAuthenticator,
  issueApiKey,
  listApiKeys,
  loadApiKeyMirror,
  revokeApiKey,
  type IssuedApiKey,
  type KeyCheck,
  type KeyStores,
  type WebhookAuthenticator,
} from './api-keys.js';
export { startIntakeDispatcher, type DispatcherOptions, type IntakeDispatcher } from './dispatcher.js';
export { appendToIntake, intakeBacklog, readIntakeEntries, type IntakeEntry } from './intake-stream.js';
