export { deleteKeysWithPrefix, testPrefix } from './prefix.js';
export { freePort, startOwnRedisServer, type OwnRedisServer } from './redis-server.js';
export { startRedisCluster, type OwnRedisCluster } from './redis-cluster.js';

/** For tests that break the connection on purpose: the failures are what they assert on. */
export const ignoreConnectionErrors = (): void => undefined;
