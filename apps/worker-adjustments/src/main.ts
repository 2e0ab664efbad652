// worker-adjustments: applies inventory-adjustment changes (cycle-count reconciliation reads them).
import { runDomainWorkerProcess } from '@wmsi/changes';

await runDomainWorkerProcess('adjustments');
