// worker-receiving: applies purchase-order changes (what the receiving dock works from).
import { runDomainWorkerProcess } from '@wmsi/changes';

await runDomainWorkerProcess('receiving');
