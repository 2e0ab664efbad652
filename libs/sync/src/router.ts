import { TOPICS } from '@wmsi/contracts';
import { listQuarantined, getQuarantined } from '@wmsi/db';
import { DOMAIN_QUEUES } from '@wmsi/queue';
import { adminProcedure, readProcedure, router, toDto } from '@wmsi/trpc';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { followChanges } from './change-stream.js';
import { listDeadLetters, replayDeadLetter, replayQuarantined } from './replay.js';
import { syncStatus } from './status.js';

const topic = z.enum(TOPICS);
const domain = z.enum(DOMAIN_QUEUES);
const id = z.string().trim().regex(/^\d{1,19}$/, 'expected a numeric id');

export const syncRouter = router({
  /** The integration at a glance (every role: a desktop lead watches it too). */
  status: readProcedure.query(({ ctx }) => syncStatus(ctx)),

  /** Quarantined bodies, newest first, without the bytes; `cursor` is the last id of a page. */
  quarantine: adminProcedure
    .input(
      z
        .object({ topic: topic.optional(), pendingOnly: z.boolean().default(true), cursor: id.optional(), limit: z.number().int().min(1).max(200).default(50) })
        .default({ pendingOnly: true, limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const items = await listQuarantined(ctx.db, { topic: input.topic, pendingOnly: input.pendingOnly, beforeId: input.cursor, limit: input.limit + 1 });
      const page = items.slice(0, input.limit).map(toDto);
      return { items: page, nextCursor: items.length > input.limit ? page[page.length - 1].id : null };
    }),

  /** One quarantined body, whole (as text), with what was wrong with it. */
  quarantined: adminProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const kept = await getQuarantined(ctx.db, input.id);
    if (kept === undefined) return null;
    const { raw_body, ...rest } = kept;
    return { ...toDto(rest), body: raw_body.toString('utf8'), bodyBytes: raw_body.length };
  }),

  /** Jobs that kept failing, with their reason. */
  deadLetters: adminProcedure
    .input(z.object({ domain: domain.optional(), limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => listDeadLetters(ctx, input.domain ? [input.domain] : DOMAIN_QUEUES, input.limit)),

  /** Runs a quarantined notification (after the mapping was fixed) or a dead-lettered job again. */
  replay: adminProcedure
    .input(z.union([z.object({ quarantineId: id }), z.object({ domain, jobId: z.string().trim().min(1).max(200) })]))
    .mutation(async ({ ctx, input }) => {
      if ('quarantineId' in input) return { ...(await replayQuarantined(ctx, input.quarantineId)), domain: null, jobId: null };
      return { ...(await replayDeadLetter(ctx, input.domain, input.jobId)), id: null, topic: null, intakeId: null };
    }),

  /**
   * Every applied change as it happens (SSE), filterable by topic and warehouse. Each event's id
   * is its change-log position: a client that reconnects with it gets what it missed first.
   */
  changes: readProcedure
    .input(
      z
        .object({
          topics: z.array(topic).max(TOPICS.length).optional(),
          warehouse: z.string().trim().min(1).max(30).optional(),
          lastEventId: z.string().regex(/^\d{1,19}$/).optional(),
        })
        .default({}),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const event of followChanges(ctx.db, ctx.changes, input, input.lastEventId, signal)) {
        yield tracked(event.seq, event);
      }
    }),
});

