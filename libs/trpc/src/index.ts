export { createContextInner, type ApiDeps, type Context } from './context.js';
export { APP_ERROR_CODES, AppError, type AppErrorCode } from './errors.js';
export { decodeCursor, encodeCursor, pageInput, pageOf } from './pagination.js';
export { bearerToken, issueToken, revokeToken, ROLES, verifyToken, type Caller, type Role } from './tokens.js';
export { adminProcedure, createCallerFactory, desktopProcedure, handheldProcedure, readProcedure, router } from './trpc.js';
export { toDto, type Dto } from './dto.js';
export { perTokenRateLimit } from './rate-limit.js';
export { issueStreamTicket, redeemStreamTicket, STREAM_TICKET_TTL_SECONDS } from './tokens.js';
export { authRouter } from './auth-router.js';
