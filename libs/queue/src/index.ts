export { connectForBackgroundWork, connectForRequests, isClusterUrl, waitUntilReady, type ErrorListener } from './connections.js';
export { redisDurabilityWarnings } from './persistence-check.js';
export {
  DOMAIN_QUEUES,
  MAX_NOTIFICATIONS_PER_JOB,
  WINDOW_ENDED_JOB,
  isWindowEnded,
  closeDomainQueues,
  notificationJobOptions,
  windowTimerJobOptions,
  openDomainQueues,
  queueName,
  allQueueNames,
  queueNamesInUse,
  openQueuesInUse,
  type DomainQueue,
  type AcceptedNotification,
  type DomainQueues,
  type NotificationJobData,
  type DomainJobData,
  type WindowEndedJobData,
} from './queues.js';
export { INTAKE_DISPATCH_GROUP, intakeKeys, partitionCountsKey, replayActionKey, retentionStatsKey, statsKey, type IntakeKeys } from './redis-keys.js';
export { checkPartitionCount, DEFAULT_QUEUE_PARTITIONS, PartitionCountError, PartitionedQueue, partitionOf } from './partitioned-queue.js';
