import { TOPICS } from '@wmsi/contracts';
import { listQuarantined, getQuarantined } from '@wmsi/db';
import { DOMAIN_QUEUES } from '@wmsi/queue';
import { adminProcedure, bigintId, desktopProcedure, readProcedure, router, toDto } from '@wmsi/trpc';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { changeFollower, pullPage } from './change-feed.js';
import { readReplayAction, startQuarantineReplay } from './replay-action.js';
import { listDeadLetters, listDomainDeadLetters, replayDeadLetter, replayDeadLetters, replayQuarantined } from './replay.js';
import { syncStatus } from './status.js';

const topic = z.enum(TOPICS);
const domain = z.enum(DOMAIN_QUEUES);
const id = bigintId();
const text = z.string().trim().min(1).max(200);

/** Which quarantined bodies a listing or a replay of a set is about. */
const quarantineFilter = {
  topic: topic.optional(),
  reason: text.optional(),
  /** The notification's `Id` as Acumatica sent it (shown on SM502000). */
  notificationId: text.optional(),
};

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

  /**
   * Quarantined bodies, newest first, without the bytes, filtered by topic, reason or notification
   * Id; `cursor` is the last id of a page. Desktop tokens may look (a warehouse lead sees what is
   * stuck); replaying takes an admin.
   */
  quarantine: desktopProcedure
    .input(
      z
        .object({ ...quarantineFilter, pendingOnly: z.boolean().default(true), cursor: id.optional(), limit: z.number().int().min(1).max(200).default(50) })
        .default({ pendingOnly: true, limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const { cursor, limit, ...filter } = input;
      const items = await listQuarantined(ctx.db, { ...filter, beforeId: cursor, limit: limit + 1 });
      const page = items.slice(0, limit).map(toDto);
      return { items: page, nextCursor: items.length > limit ? page[page.length - 1].id : null };
    }),

  /** One quarantined body, whole (as text), with what was wrong with it. */
  quarantined: desktopProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const kept = await getQuarantined(ctx.db, input.id);
    if (kept === undefined) return null;
    const { raw_body, ...rest } = kept;
    return { ...toDto(rest), body: raw_body.toString('utf8'), bodyBytes: raw_body.length };
  }),

  /**
   * Jobs that kept failing, with their reason, newest first. With a domain: that queue only,
   * optionally those whose reason contains `reason`, paged by `cursor` (`nextCursor` of a page).
   */
  deadLetters: desktopProcedure
    .input(
      z
        .object({ domain: domain.optional(), reason: text.optional(), cursor: z.string().regex(/^\d{1,9}$/).optional(), limit: z.number().int().min(1).max(200).default(50) })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      if (input.domain === undefined) return { items: await listDeadLetters(ctx, DOMAIN_QUEUES, input.limit), nextCursor: null };
      const page = await listDomainDeadLetters(ctx, input.domain, { reason: input.reason, offset: input.cursor === undefined ? 0 : Number(input.cursor), limit: input.limit });
      return { items: page.items, nextCursor: page.nextOffset === null ? null : String(page.nextOffset) };
    }),

  /** Runs a quarantined notification (after the mapping was fixed) or a dead-lettered job again. */
  replay: adminProcedure
    .input(z.union([z.object({ quarantineId: id }), z.object({ domain, jobId: z.string().trim().min(1).max(200) })]))
    .mutation(async ({ ctx, input }) => {
      if ('quarantineId' in input) return { ...(await replayQuarantined(ctx, input.quarantineId)), domain: null, jobId: null };
      return { ...(await replayDeadLetter(ctx, input.domain, input.jobId)), id: null, topic: null, intakeId: null };
    }),

  /** Every dead-lettered job of a domain whose reason contains `reason` (all without one), back on its queue. */
  replayDeadLetters: adminProcedure
    .input(z.object({ domain, reason: text.optional() }))
    .mutation(({ ctx, input }) => replayDeadLetters(ctx, input.domain, input.reason)),

  /**
   * Replays every pending quarantined body the filter selects, as one action: returns at once with
   * its id and figures; `replayAction` tells how far it got.
   */
  replayQuarantined: adminProcedure
    .input(z.object({ filter: z.object(quarantineFilter).default({}) }))
    .mutation(({ ctx, input }) => startQuarantineReplay(ctx, input.filter)),

  /** The progress of a `replayQuarantined` action: replayed, still refused (and why), done or not. */
  replayAction: desktopProcedure.input(z.object({ id: z.uuid() })).query(({ ctx, input }) => readReplayAction(ctx, input.id)),

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
