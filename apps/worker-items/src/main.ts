// worker-items: keeps the item master current from stock-item changes.
import { runDomainWorkerProcess } from '@wmsi/changes';

await runDomainWorkerProcess('items');
