// worker-adjustments: applies inventory-adjustment changes (cycle-count reconciliation reads them).
import { adjustmentsTables } from '@wmsi/adjustments';
import { runDomainWorkerProcess } from '@wmsi/changes';

await runDomainWorkerProcess('adjustments', adjustmentsTables);
