export { createContextInner, type ApiDeps, type Context } from './context.js';
export { APP_ERROR_CODES, AppError, type AppErrorCode } from './errors.js';
export { bigintId, INT4_MAX, INT8_MAX, inputProblem, MAX_INPUT_DEPTH, type InputProblem } from './inputs.js';
export { decodeCursor, encodeCursor, keyPart, pageInput, pageOf, readCursor } from './pagination.js';
export { refuseMalformedSubscriptions } from './subscription-input.js';
export { bearerToken, issueToken, revokeToken, ROLES, verifyToken, type Caller, type Role } from './tokens.js';
export { adminProcedure, createCallerFactory, requestIdOf, desktopProcedure, handheldProcedure, readProcedure, router } from './trpc.js';
export { toDto, type Dto } from './dto.js';
export { perTokenRateLimit } from './rate-limit.js';
