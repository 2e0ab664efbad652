// worker-maintenance: prunes what would otherwise grow without bound (quarantine, processed marks,
// change log, document history), as a scheduled BullMQ job.
import { loadEnv } from '@wmsi/config';
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { startMaintenance } from './maintenance.js';

const env = loadEnv();
const logger = pino({ name: 'worker-maintenance', level: env.LOG_LEVEL });
const maintenance = await startMaintenance({ env, logger });
closeWithGrace({ delay: 60_000, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'stopping after an unexpected error');
  else logger.info(`${signal}: finishing the run in hand`);
  await maintenance.close();
  logger.info('stopped');
});
