// worker-fulfillment: applies sales-order, shipment and assembly-order changes (picking works from these).
import { runDomainWorkerProcess } from '@wmsi/changes';

await runDomainWorkerProcess('fulfillment');
