import { TOPICS } from '@wmsi/contracts';
import { listQuarantined, getQuarantined } from '@wmsi/db';
import { DOMAIN_QUEUES } from '@wmsi/queue';
import { adminProcedure, readProcedure, router, toDto } from '@wmsi/trpc';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { changeFollower, pullPage } from './change-feed.js';
import { listDeadLetters, replayDeadLetter, replayQuarantined } from './replay.js';
import { syncStatus } from './status.js';

const topic = z.enum(TOPICS);
const domain = z.enum(DOMAIN_QUEUES);
const id = z.string().trim().regex(/^\d{1,19}$/, 'expected a numeric id');

/** What a follower of the change feed asks for. */
const followInput = z
  .object({
    topics: z.array(topic).max(TOPICS.length).optional(),
    warehouse: z.string().trim().min(1).max(30).optional(),
    /** The document whose changes to follow: fields of its key, e.g. { orderType: 'Normal', orderNbr: 'PO000123' }. */
    document: z.record(z.string().max(30), z.union([z.string().max(128), z.number().int()])).refine((key) => Object.keys(key).length <= 3, 'a document key has at most 3 fields').optional(),
    lastEventId: z.string().max(64).optional(),
  })
  .default({});

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
   * Every applied change as it happens (SSE), in log order, filterable by topic, warehouse and
   * document. Each event's id is a cursor: a client that reconnects with it gets every later change
   * exactly once, however long it was away; one older than the log keeps gets RESYNC_REQUIRED.
   */
  changes: readProcedure.input(followInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const page of changeFollower(ctx, input, signal)) {
      for (const event of page) yield tracked(event.id, event);
    }
  }),

  /**
   * The same changes, several to a message when the client is behind (up to `pageSize`): each
   * event keeps its own id, and the message's id is its last event's, so resuming loses nothing.
   */
  changeBatches: readProcedure
    .input(followInput.unwrap().extend({ pageSize: z.number().int().min(1).max(1_000).default(200) }).default({ pageSize: 200 }))
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const page of changeFollower(ctx, input, signal)) yield tracked(page.at(-1)!.id, page);
    }),

  /**
   * Delta sync for handhelds that work offline: without `since`, a snapshot of the live records,
   * page by page; with it, the records changed after it (current state; tombstones for removals),
   * and the cursor to pass next time.
   */
  pull: readProcedure
    .input(
      z
        .object({
          since: z.string().max(2_000).optional(),
          topics: z.array(topic).max(TOPICS.length).optional(),
          warehouse: z.string().trim().min(1).max(30).optional(),
          limit: z.number().int().min(1).max(1_000).default(200),
        })
        .default({ limit: 200 }),
    )
    .query(({ ctx, input }) => pullPage(ctx, input)),
});
