export { createKey, listKeys, revokeKey, webhookAddress } from './keys.js';
export { adminRouter, sessionRouter } from './router.js';
export { createToken, listTokens, revokeTokenById } from './tokens.js';
