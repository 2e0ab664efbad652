import type { AnyRouter } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, type z } from 'zod';
import { inputProblem } from './inputs.js';
import { fieldName } from './trpc.js';

interface HttpRequest {
  method: string;
  url: string;
}
interface HttpReply {
  code(status: number): { send(body: unknown): unknown };
}

type Parser = { safeParseAsync?: (input: unknown) => Promise<z.ZodSafeParseResult<unknown>> };

/**
 * A Fastify preHandler hook that answers a subscription's malformed input with 400 and the field
 * named, before tRPC opens the stream: tRPC itself answers 200 and sends the error as the first
 * event (an SSE response has begun by then), so a client or proxy would see a success.
 */
export function refuseMalformedSubscriptions(router: AnyRouter, prefix: string) {
  const procedures = router._def.procedures as Record<string, { _def: { type: string; inputs: Parser[] } }>;
  return async (request: HttpRequest, reply: HttpReply) => {
    if (request.method !== 'GET' || !request.url.startsWith(`${prefix}/`)) return;
    const url = new URL(request.url, 'http://api');
    const path = safeDecode(url.pathname.slice(prefix.length + 1));
    const procedure = path === undefined ? undefined : procedures[path];
    if (procedure?._def.type !== 'subscription') return;
    const fields = await malformed(procedure._def.inputs, url.searchParams.get('input'));
    if (fields === undefined) return;
    const message = `Invalid input: ${Object.entries(fields).map(([field, messages]) => `${field}: ${messages.join('; ')}`).join('; ')}`.slice(0, 1_100);
    // tRPC's error shape, as superjson carries it (the client reads `error.json`).
    return reply.code(400).send({
      error: { json: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, path, fieldErrors: fields, appCode: null, details: null, requestId: null } } },
    });
  };
}

/** Field messages for an input no parser of the procedure takes; undefined when it is fine. */
async function malformed(parsers: Parser[], text: string | null): Promise<Record<string, string[]> | undefined> {
  let input: unknown;
  try {
    input = text === null ? undefined : superjson.deserialize(JSON.parse(text));
  } catch {
    return { '(input)': ['not JSON in superjson form'] };
  }
  const problem = inputProblem(input);
  if (problem !== undefined) return { [fieldName(problem.path)]: [problem.message] };
  for (const parser of parsers) {
    const parsed = await parser.safeParseAsync?.(input);
    if (parsed?.success === false && parsed.error instanceof ZodError) {
      const fields: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (fields[fieldName(issue.path)] ??= []).push(issue.message);
      return fields;
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
