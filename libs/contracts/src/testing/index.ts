export { acumaticaDocsFolder, sampleBody, samplesFolder } from './samples.js';
export { nextTimeStamp } from './timestamps.js';
export {
  assemblyOrderBody,
  inventoryAdjustmentBody,
  notificationBody,
  purchaseOrderBody,
  salesOrderBody,
  shipmentBody,
  stockItemBody,
} from './bodies.js';
export type { DocumentBodyOptions, NotificationBodyOptions, StockItemBodyOptions } from './bodies.js';
