// worker-items: keeps the item master current from stock-item changes.
import { runDomainWorkerProcess } from '@wmsi/changes';
import { itemsTables } from '@wmsi/items';

await runDomainWorkerProcess('items', itemsTables);
