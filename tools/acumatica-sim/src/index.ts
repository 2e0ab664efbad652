export { checkApi, checkDatabase, isClean, type CheckReport } from './check.js';
export { DEFAULT_DELIVERY, planDelivery, type DeliveryOptions, type PlannedRequest } from './delivery.js';
export { createErp, type Erp, type ErpTransaction } from './erp.js';
export { createOracle, type ExpectedRecord, type Oracle } from './oracle.js';
export { seededRandom, type Random } from './random.js';
export { createSender, type SenderStats } from './sender.js';
export { runSimulation, type SimulationOptions } from './simulation.js';
export { issueCredentials, waitUntilSettled } from './setup.js';
